package dev.codebound.server.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz test for the fault-plan JSON that integrators send to {@code PUT /mock/v1/faults} and pass
 * with {@code --faults} (docs/security-fuzzing.md). Seeds: the plans of docs/mock-server.md and of
 * the fault tests.
 */
class FaultPlanFuzzTest {
    /**
     * Only InvalidFaultPlanException escapes, with a reason; a plan that parses has at most
     * {@link FaultPlan#MAX_RULES} rules and its JSON form parses to the same plan.
     */
    @FuzzTest(maxDuration = "60s")
    void fromJson(byte[] input) {
        FaultPlan plan;
        try {
            plan = FaultPlan.fromJson(input);
        } catch (InvalidFaultPlanException e) {
            assertNotNull(e.getMessage());
            return;
        }
        assertTrue(plan.rules().size() <= FaultPlan.MAX_RULES);
        assertEquals(plan, FaultPlan.fromJson(plan.toJson()));
    }
}
