package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each limit of the request-body mapper is told apart (this pins Jackson's messages for its version). */
class JsonRefusalTest {
    private static JsonRefusal refusal(String json) {
        JsonProcessingException e = catchThrowableOfType(
                JsonProcessingException.class,
                () -> JsonMapper.forRequestBodies(8).readTree(json));
        assertThat(e).as(json).isNotNull();
        return JsonRefusal.of(e);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            [[[[[[[[[1]]]]]]]]]                  | TOO_DEEP
            {"a":{"b":1,"b":2}}                  | DUPLICATE_KEY
            {"a":1,"a":1}                        | DUPLICATE_KEY
            {"a":                                | INVALID
            [1,]                                 | INVALID
            {"a":NaN}                            | INVALID
            """)
    void eachFailureHasItsReason(String json, JsonRefusal expected) {
        assertThat(refusal(json)).isEqualTo(expected);
    }

    @Test
    void longNumbersAndKeysAreTheirOwnReasons() {
        assertThat(refusal("[" + "9".repeat(JsonMapper.MAX_NUMBER_LENGTH + 1) + "]"))
                .isEqualTo(JsonRefusal.NUMBER_TOO_LONG);
        assertThat(refusal("[0." + "9".repeat(2 * JsonMapper.MAX_NUMBER_LENGTH) + "]"))
                .isEqualTo(JsonRefusal.NUMBER_TOO_LONG);
        assertThat(refusal("{\"" + "k".repeat(JsonMapper.MAX_NAME_LENGTH + 1) + "\":1}"))
                .isEqualTo(JsonRefusal.STRING_TOO_LONG);
    }

    @Test
    void theRepeatedKeyIsNamedShortened() {
        JsonProcessingException e = catchThrowableOfType(
                JsonProcessingException.class,
                () -> JsonMapper.forRequestBodies(8)
                        .readTree("{\"" + "x".repeat(100) + "\":1,\"" + "x".repeat(100) + "\":2}"));
        assertThat(JsonRefusal.duplicateKey(e)).isEqualTo("x".repeat(64) + "…");
    }

    @Test
    void numbersKeepTheirExactValueAndScale() throws Exception {
        for (ObjectMapper mapper : new ObjectMapper[] {JsonMapper.MAPPER, JsonMapper.forRequestBodies(8)}) {
            JsonNode node =
                    mapper.readTree("[1e999999999,1.50,10.0,0.1000000000000000000000001,12345678901234567890123]");
            assertThat(node.get(0).decimalValue()).isEqualByComparingTo(new BigDecimal("1e999999999"));
            assertThat(mapper.writeValueAsString(node))
                    .isEqualTo("[1E+999999999,1.50,10.0,0.1000000000000000000000001,12345678901234567890123]");
        }
    }

    @Test
    void theSharedMapperStillReadsRepeatedKeys() throws Exception {
        assertThat(JsonMapper.MAPPER.readTree("{\"a\":1,\"a\":2}").get("a").asInt())
                .as("function answers and stored state are not client bodies")
                .isEqualTo(2);
    }
}
