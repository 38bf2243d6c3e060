package dev.switchboard.gateway.config;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * What guards the listeners against silent connections and descriptor exhaustion (see README's
 * configuration table and docs/security.md), and how many event loops each public port runs.
 *
 * @param requestHeadTimeout   how long a connection may take to send a whole request head, on every listener
 * @param keepAliveTimeout     how long a kept-alive connection of the event loops may stay silent between
 *                             requests
 * @param maxPendingHeadsPerIp connections one address may have with an overdue head, per listener (429 beyond)
 * @param maxStreamsPerIp      streams one address may hold on one replica, every port together (429 beyond)
 * @param fdReserve            descriptors kept out of the listeners' reach; empty: sized from
 *                             {@code MAX_INFLIGHT_INVOCATIONS} and the limit
 * @param streamLoops          event loops of the event loops ({@code STREAM_LOOPS})
 */
public record ListenerLimits(
        Duration requestHeadTimeout,
        Duration keepAliveTimeout,
        int maxPendingHeadsPerIp,
        int maxStreamsPerIp,
        OptionalLong fdReserve,
        int streamLoops) {}
