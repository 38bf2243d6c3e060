package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** A header the gateway adds to every call: a literal value, or one read from a Secret at reconcile time. */
@ValidationRule(value = "has(self.value) != has(self.valueFrom)", message = "set exactly one of value or valueFrom")
public class FunctionHeader {
    @Required
    @Pattern("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$")
    @JsonPropertyDescription("HTTP header name.")
    private String name;

    @JsonPropertyDescription("Literal header value; set exactly one of value or valueFrom.")
    private String value;

    @JsonPropertyDescription("Where the header value is read from (a Secret key, read at reconcile time).")
    private HeaderValueSource valueFrom;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }

    public HeaderValueSource getValueFrom() {
        return valueFrom;
    }

    public void setValueFrom(HeaderValueSource valueFrom) {
        this.valueFrom = valueFrom;
    }
}
