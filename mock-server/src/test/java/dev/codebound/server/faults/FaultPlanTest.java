package dev.codebound.server.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's JSON form: round trip, and errors that name the offending field. */
class FaultPlanTest {
    private static FaultPlan parse(String json) {
        return FaultPlan.fromJson(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static InvalidFaultPlanException invalid(String json) {
        return assertThrows(InvalidFaultPlanException.class, () -> parse(json));
    }

    @Test
    void everyActionRoundTrips() {
        FaultPlan plan = parse("""
                {'seed': 42, 'rules': [
                 {'route': 'PATCH /files/{id}', 'script': [3, 7], 'action': {'type': 'reset', 'afterBytes': 1000}},
                 {'route': '*', 'probability': 0.25, 'stationId': 'station-1', 'limit': 2,
                  'action': {'type': 'delay', 'ms': 1500}},
                 {'route': 'tus.patch', 'script': [1], 'action': {'type': 'dribble', 'bytesPerSecond': 2048}},
                 {'route': '*', 'probability': 1, 'action': {'type': 'status', 'status': 503, 'retryAfterSeconds': 7}},
                 {'route': 'tus.patch', 'script': [2], 'action': {'type': 'checksumMismatch'}},
                 {'route': 'tus.delete', 'script': [2], 'action': {'type': 'locked'}},
                 {'route': 'tus.head', 'script': [2], 'action': {'type': 'expire'}},
                 {'route': '*', 'script': [1], 'action': {'type': 'refuseStation'}}]}
                """);
        assertEquals(42L, plan.seed());
        assertEquals(8, plan.rules().size());
        assertEquals(new FaultAction.Reset(1000L), plan.rules().get(0).action());
        assertEquals(List.of(3L, 7L), plan.rules().get(0).script());
        assertEquals(new FaultAction.Status(503, 7), plan.rules().get(3).action());
        assertEquals(new FaultAction.RefuseStation(), plan.rules().get(7).action());
        assertEquals(plan, FaultPlan.fromJson(plan.toJson()), new String(plan.toJson(), StandardCharsets.UTF_8));
        assertTrue(new String(plan.toJson(), StandardCharsets.UTF_8).contains("{\"type\":\"locked\"}"));
    }

    @Test
    void defaultsAndEmptyPlans() {
        assertEquals(new FaultAction.Reset(0L), parse("{'rules':[{'route':'*','script':[1],'action':{'type':'reset'}}]}")
                .rules().get(0).action());
        FaultPlan empty = parse("{}");
        assertNull(empty.seed());
        assertEquals(List.of(), empty.rules());
    }

    @Test
    void errorsNameTheField() {
        assertEquals("rules[0].probability", invalid(
                "{'rules':[{'route':'*','probability':1.5,'action':{'type':'locked'}}]}").field());
        assertEquals("rules[0].probability", invalid("{'rules':[{'route':'*','action':{'type':'locked'}}]}").field());
        assertEquals("rules[0].script", invalid(
                "{'rules':[{'route':'*','probability':0.5,'script':[1],'action':{'type':'locked'}}]}").field());
        assertEquals("rules[0].script[1]", invalid(
                "{'rules':[{'route':'*','script':[2,0],'action':{'type':'locked'}}]}").field());
        assertEquals("rules[0].script[1]", invalid(
                "{'rules':[{'route':'*','script':[2,2],'action':{'type':'locked'}}]}").field());
        assertEquals("rules[1].action.ms", invalid("{'rules':[{'route':'*','script':[1],'action':{'type':'locked'}},"
                + "{'route':'*','script':[1],'action':{'type':'delay','ms':0}}]}").field());
        assertEquals("rules[0].action.status", invalid(
                "{'rules':[{'route':'*','script':[1],'action':{'type':'status','status':404}}]}").field());
        assertEquals("rules[0].action.type", invalid(
                "{'rules':[{'route':'*','script':[1],'action':{'type':'explode'}}]}").field());
        assertEquals("rules[0].action", invalid("{'rules':[{'route':'*','script':[1]}]}").field());
        assertEquals("rules[0].route", invalid("{'rules':[{'script':[1],'action':{'type':'locked'}}]}").field());
        assertEquals("rules[0].stationId", invalid(
                "{'rules':[{'route':'*','script':[1],'stationId':'a b','action':{'type':'locked'}}]}").field());
        assertEquals("rules[0].limit", invalid(
                "{'rules':[{'route':'*','script':[1],'limit':0,'action':{'type':'locked'}}]}").field());
        assertEquals("rules[0].limt", invalid(
                "{'rules':[{'route':'*','probability':0.5,'limt':3,'action':{'type':'locked'}}]}").field());
        assertEquals("rules[0].action.ms", invalid(
                "{'rules':[{'route':'*','script':[1],'action':{'type':'delay','ms':'soon'}}]}").field());
        assertEquals("seed", invalid("{'seed':1.5}").field());
    }

    @Test
    void theSeedIsWrittenAsAStringAndReadAsAStringOrASmallNumber() {
        FaultPlan plan = parse("{'seed':'-9223372036854775808','rules':[]}");
        assertEquals(Long.MIN_VALUE, plan.seed());
        assertEquals("{\"seed\":\"-9223372036854775808\",\"rules\":[]}",
                new String(plan.toJson(), StandardCharsets.UTF_8));
        assertEquals(plan, FaultPlan.fromJson(plan.toJson()));
        assertEquals(Long.MAX_VALUE, parse("{'seed':'9223372036854775807'}").seed());
        assertEquals(9007199254740991L, parse("{'seed':9007199254740991}").seed(), "2^53 - 1 is exact everywhere");
        assertEquals(-9007199254740991L, parse("{'seed':-9007199254740991}").seed());
    }

    /** What jq 1.6 does to an odd 64-bit seed: 8765432109876543211 becomes 8765432109876543000. */
    @Test
    void aNumberThatADoubleMayHaveRoundedIsRefusedNotReplayed() {
        for (String rounded : new String[] {"8765432109876543000", "9007199254740992", "-9007199254740992",
                "18446744073709551616"}) {
            InvalidFaultPlanException e = invalid("{'seed':" + rounded + ",'rules':[]}");
            assertEquals("seed", e.field());
            assertTrue(e.getMessage().contains("send the seed as a string: \"seed\": \"" + rounded + "\""),
                    e.getMessage());
        }
    }

    @Test
    void aSeedThatIsNoIntegerIsRefusedNamingIt() {
        for (String bad : new String[] {"'9223372036854775808'", "'0x2a'", "' 42'", "'4.2'", "''", "true", "[42]",
                "1e3"}) {
            InvalidFaultPlanException e = invalid("{'seed':" + bad + "}");
            assertEquals("seed", e.field(), e.getMessage());
        }
        assertTrue(invalid("{'seed':'forty-two'}").getMessage().contains("expected a decimal integer from "
                + Long.MIN_VALUE + " to " + Long.MAX_VALUE));
    }

    @Test
    void documentErrorsHaveNoField() {
        for (String bad : new String[] {"{'rules': [}", "{'rules': [", "{'seed':1,'seed':2}"}) {
            InvalidFaultPlanException e = invalid(bad);
            assertNull(e.field(), e.getMessage());
            assertTrue(e.getMessage().startsWith("not valid JSON: "), e.getMessage());
            assertTrue(e.getMessage().contains("line 1, column "), e.getMessage());
        }
        assertTrue(invalid("{'seed':1,'seed':2}").getMessage().contains("Duplicate field 'seed'"));
        assertNull(invalid("").field());
        assertNull(invalid("null").field());
        assertNull(invalid("[]").field());
    }
}
