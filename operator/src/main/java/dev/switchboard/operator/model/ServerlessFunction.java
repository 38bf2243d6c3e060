package dev.switchboard.operator.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A function registered with an SseGateway; its name is the function's name in {@code /invoke/{name}}. */
@Group(SseGateway.GROUP)
@Version(SseGateway.VERSION)
@Kind("ServerlessFunction")
@Singular("serverlessfunction")
@Plural("serverlessfunctions")
@Categories("switchboard")
@SchemaCustomizer(
        value = DescribedSchema.class,
        input =
                "{"
                        + "\"spec\": \"Desired state of a function registration; the resource's name is the function's name.\", "
                        + "\"status\": \"Observed state of the registration, written by the operator.\", "
                        + "\"conditions\": \"Ready: the function is registered with its gateway; reason and message say why not.\"}")
@ShortNames("sfn")
@ValidationRule(
        value = "self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$') && size(self.metadata.name) <= 63",
        message = "the name is the function's name: a DNS label of at most 63 characters")
@AdditionalPrinterColumn(name = "Gateway", jsonPath = ".spec.gatewayRef.name")
@AdditionalPrinterColumn(name = "Kind", jsonPath = ".spec.kind")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Endpoint", jsonPath = ".spec.endpoint", priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class ServerlessFunction extends CustomResource<ServerlessFunctionSpec, ServerlessFunctionStatus>
        implements Namespaced {}
