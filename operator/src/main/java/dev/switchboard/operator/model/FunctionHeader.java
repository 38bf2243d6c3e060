package dev.switchboard.operator.model;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** A header the gateway adds to every call: a literal value, or one read from a Secret at reconcile time. */
@ValidationRule(value = "has(self.value) != has(self.valueFrom)", message = "set exactly one of value or valueFrom")
public class FunctionHeader {
    @Required
    @Pattern("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$")
    private String name;
    private String value;
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
