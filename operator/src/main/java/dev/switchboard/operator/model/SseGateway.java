package dev.switchboard.operator.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A fleet of Switchboard gateway replicas sharing one Redis. */
@Group(SseGateway.GROUP)
@Version(SseGateway.VERSION)
@Kind("SseGateway")
@Singular("ssegateway")
@Plural("ssegateways")
@Categories("switchboard")
@SchemaCustomizer(
        value = DescribedSchema.class,
        input = "{"
                + "\"spec\": \"Desired state of a fleet of gateway replicas sharing one Redis.\", "
                + "\"status\": \"Observed state of the gateway fleet, written by the operator.\", "
                + "\"conditions\": \"Ready: the gateway's Deployment is rolled out and its replicas are ready; reason and "
                + "message say why not.\"}")
@ShortNames("sgw")
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".status.replicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.readyReplicas",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "URL", jsonPath = ".status.url", priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class SseGateway extends CustomResource<SseGatewaySpec, SseGatewayStatus> implements Namespaced {
    /** API group of Switchboard's resources. */
    public static final String GROUP = "switchboard.dev";
    /** API version of Switchboard's resources. */
    public static final String VERSION = "v1alpha1";
}
