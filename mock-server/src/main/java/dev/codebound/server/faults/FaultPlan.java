package dev.codebound.server.faults;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.util.List;

/**
 * What the mock registry does wrong, and when: an immutable list of {@link FaultRule}s and,
 * optionally, the seed for their probabilistic triggers. Its JSON form (the schema is in
 * docs/registry-api.md, "Fault injection") is what {@code --faults FILE} reads and
 * {@code PUT /admin/faults} takes:
 *
 * <pre>{@code
 * {"seed": "42",
 *  "rules": [{"route": "PATCH /files/{id}", "script": [3], "action": {"type": "reset", "afterBytes": 1000}},
 *            {"route": "*", "probability": 0.1, "action": {"type": "status", "status": 503, "retryAfterSeconds": 2}}]}
 * }</pre>
 *
 * <p>Parsing is strict (unknown fields, duplicate keys and mistyped values are errors) because a
 * typo that silently disables a fault would waste an integrator's day.
 *
 * <p>The seed is written as a JSON string: it is a 64-bit value, and tools that read JSON numbers
 * as doubles (jq 1.6, JavaScript) would round it, replaying another schedule. It is read as a
 * string or as a number up to 2^53 - 1 (see {@link SeedDeserializer}).
 *
 * @param seed  the seed for probability triggers; when absent, the server's seed is used
 * @param rules the rules, checked in order: the first that fires on a request acts on it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultPlan(
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = SeedDeserializer.class) Long seed,
        List<FaultRule> rules) {
    /** No faults. */
    public static final FaultPlan NONE = new FaultPlan(null, List.of());

    /** Most rules one plan may have. */
    public static final int MAX_RULES = 100;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    public FaultPlan {
        rules = rules == null ? List.of() : List.copyOf(rules);
        if (rules.size() > MAX_RULES) {
            throw new InvalidFaultPlanException("rules", "at most " + MAX_RULES + " rules, got " + rules.size());
        }
    }

    /** This plan with {@code newSeed}: what a run actually used, for reproducing it. */
    public FaultPlan withSeed(long newSeed) {
        return new FaultPlan(newSeed, rules);
    }

    /** The plan's JSON form. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode fault plan", e);
        }
    }

    /** The mapper that reads and writes plans (also for documents that embed one). */
    static ObjectMapper mapper() {
        return JSON;
    }

    /** Parses a plan; the error names the offending field, e.g. {@code rules[0].action.ms: must be from 1 to 600000}. */
    public static FaultPlan fromJson(byte[] json) throws InvalidFaultPlanException {
        if (json.length == 0) {
            throw new InvalidFaultPlanException(null, "the plan is empty; send a JSON object such as {\"rules\":[]}");
        }
        try {
            FaultPlan plan = JSON.readValue(json, FaultPlan.class);
            if (plan == null) {
                throw new InvalidFaultPlanException(null, "the plan must be a JSON object, not null");
            }
            return plan;
        } catch (JsonMappingException e) {
            throw e.getCause() instanceof StreamReadException syntax ? notJson(syntax) : explain(e);
        } catch (StreamReadException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw new InvalidFaultPlanException(null, "cannot read the plan: " + e.getMessage());
        }
    }

    private static InvalidFaultPlanException notJson(StreamReadException e) {
        String message = e.getOriginalMessage();
        // Jackson appends where an unclosed array or object began, with a redacted source; the line and column say enough.
        int detail = message.indexOf(" (");
        return new InvalidFaultPlanException(null, "not valid JSON: "
                + (detail > 0 ? message.substring(0, detail) : message)
                + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")"));
    }

    private static InvalidFaultPlanException explain(JsonMappingException e) {
        String path = path(e.getPath());
        if (e.getCause() instanceof InvalidFaultPlanException invalid) {
            return invalid.under(path);
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new InvalidFaultPlanException(path, "unknown field; known here: " + unknown.getKnownPropertyIds());
        }
        if (e instanceof InvalidTypeIdException) {
            return new InvalidFaultPlanException(path.isEmpty() ? "type" : path + ".type",
                    "must be one of reset, delay, dribble, status, checksumMismatch, locked, expire, refuseStation");
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return new InvalidFaultPlanException(path, "expected " + describe(mismatch.getTargetType()));
        }
        return new InvalidFaultPlanException(path, e.getOriginalMessage());
    }

    private static String describe(Class<?> type) {
        if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    /** Jackson's reference chain as {@code rules[1].action.ms}. */
    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
