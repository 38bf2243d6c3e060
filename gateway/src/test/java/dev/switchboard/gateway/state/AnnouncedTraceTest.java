package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;

/** The trace line of an announcement: added only inside a span, read back unambiguously, absent otherwise. */
class AnnouncedTraceTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @Test
    void withoutASpanTheArgumentsAndTheAnnouncementAreUnchanged() {
        assertThat(AnnouncedTrace.head()).isEmpty();
        AnnouncedTrace plain = AnnouncedTrace.split("client\n1-0\nt\n{\"a\":\"x\\ny\"}");
        assertThat(plain.message()).isEqualTo("client\n1-0\nt\n{\"a\":\"x\\ny\"}");
        assertThat(Span.fromContext(plain.context()).getSpanContext().isValid()).isFalse();
    }

    @Test
    void insideASpanTheAnnouncementCarriesItsTraceparent() {
        Span span = Span.wrap(SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault()));
        String head;
        try (Scope ignored = span.makeCurrent()) {
            head = AnnouncedTrace.head();
        }
        assertThat(head).isNotEmpty();
        // as the append script builds it: ARGV[5] .. ARGV[4] .. '\n' .. id .. '\n' .. type .. '\n' .. data
        String announcement = head + "client\n1-0\nt\n{}";
        AnnouncedTrace traced = AnnouncedTrace.split(announcement);
        assertThat(traced.message()).isEqualTo("client\n1-0\nt\n{}");
        SpanContext parent = Span.fromContext(traced.context()).getSpanContext();
        assertThat(parent.isRemote()).isTrue();
        assertThat(parent.getTraceId()).isEqualTo(TRACE);
        assertThat(parent.getSpanId()).isEqualTo(SPAN);
    }

    @Test
    void anAnnouncementOfAnEmptyLogKeyIsNotMistakenForATracedOne() {
        AnnouncedTrace split = AnnouncedTrace.split("\n1-0\nt\n{}");
        assertThat(split.message()).isEqualTo("\n1-0\nt\n{}");
        assertThat(split.context()).isSameAs(Context.root());
    }
}
