package dev.codebound.server.faults;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.math.BigInteger;

/**
 * Reads a plan's {@code seed}: a string of decimal digits (what {@code GET /admin/faults} serves),
 * or a JSON number no larger in magnitude than 2^53 - 1.
 *
 * <p>Why numbers above that are refused rather than taken: jq 1.6 and JavaScript hold JSON numbers
 * as doubles, which cannot hold most integers beyond 2^53 - 1 and round them (…111 becomes …110).
 * A plan that went through such a tool arrives with another seed and would replay another fault
 * schedule without a word; a number this large cannot be told apart from such a rounded one, so
 * the plan is refused with an error saying to send the seed as a string, which no JSON tool changes.
 */
final class SeedDeserializer extends StdDeserializer<Long> {
    private static final long serialVersionUID = 1L;

    /** The largest integer every double-based JSON reader keeps exactly (JavaScript's MAX_SAFE_INTEGER). */
    private static final long MAX_EXACT_NUMBER = (1L << 53) - 1;

    SeedDeserializer() {
        super(Long.class);
    }

    @Override
    public Long deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            return fromText(parser.getText());
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            BigInteger number = parser.getBigIntegerValue();
            if (number.abs().compareTo(BigInteger.valueOf(MAX_EXACT_NUMBER)) > 0) {
                throw new InvalidFaultPlanException(null, number + " is a number beyond 2^53 - 1, which JSON tools "
                        + "such as jq 1.6 and JavaScript round, so it may not be the seed that was meant; "
                        + "send the seed as a string: \"seed\": \"" + number + "\"");
            }
            return number.longValue();
        }
        throw new InvalidFaultPlanException(null, "expected a string of decimal digits such as \"42\" "
                + "(or an integer from -(2^53 - 1) to 2^53 - 1), got " + describe(token));
    }

    private static Long fromText(String text) {
        if (text.matches("-?[0-9]{1,20}")) {
            BigInteger number = new BigInteger(text);
            if (number.bitLength() < Long.SIZE) {
                return number.longValue();
            }
        }
        throw new InvalidFaultPlanException(null, "\"" + abbreviate(text) + "\" is not a seed: expected a decimal "
                + "integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ", e.g. \"42\"");
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_NUMBER_FLOAT -> "a number with a fraction or exponent";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    /** Seeds are short; anything longer is echoed only in part, so an error stays readable. */
    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
