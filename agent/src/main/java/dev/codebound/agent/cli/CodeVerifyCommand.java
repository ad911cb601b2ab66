package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.agent.watch.ScannedCodes;
import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.QrCodes;
import dev.codebound.protocol.code.VerifiedCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code code verify}: checks a collection code offline and shows what the station may see. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify a collection code offline against the station's trust bundle and show what the "
                + "station may see: code id, school, cohort, validity and masked name.",
            "Exit codes: 0 valid, 4 refused (the reason is printed), 3 station not set up."})
final class CodeVerifyCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @ArgGroup(multiplicity = "1")
    CodeSource source;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Option(names = "--remember", description = "Remember a valid code for the hot folder ('watch'): a photo "
            + "named <code id>.jpg is then sealed for it, and --pair-with-last-code pairs the next photo with it.")
    boolean remember;

    @Spec
    CommandSpec spec;

    /** Where the code comes from: typed text, standard input, or a QR image. */
    static final class CodeSource {
        @Parameters(paramLabel = "CODE", description = "The code text; '-' reads one line from standard input "
                + "(what a keyboard-wedge scanner types).")
        String text;

        @Option(names = "--qr", paramLabel = "IMAGE", description = "Read the code from a QR image (PNG or JPEG).")
        Path qrImage;

        String read(AgentEnvironment environment) throws IOException, QrCodes.QrReadException {
            if (qrImage != null) {
                return QrCodes.read(Files.readAllBytes(qrImage));
            }
            if (text.equals("-")) {
                String line = new BufferedReader(new InputStreamReader(environment.stdin(), StandardCharsets.UTF_8))
                        .readLine();
                return line == null ? "" : line;
            }
            return text;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StationConfig config = home.context().config();
        CodeVerifier verifier = new CodeVerifier(new StationTrust(home.home()).bundle(), config.schools());
        try {
            VerifiedCode code = verifier.verify(source.read(home.environment()), Instant.now());
            if (remember) {
                new ScannedCodes(home.home().scannedCodes()).remember(code, Instant.now());
            }
            out.println(json ? toJson(code) : describe(code));
            return ExitCodes.OK;
        } catch (CodeException e) {
            if (!json) {
                throw e;
            }
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("valid", false).put("reason", e.reason().name()).put("message", e.getMessage());
            out.println(node);
            return ExitCodes.CODE_REFUSED;
        }
    }

    private static String toJson(VerifiedCode code) {
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("valid", true).put("codeId", code.codeId()).put("schoolCode", code.schoolCode())
                .put("cohort", code.cohort()).put("notBefore", code.notBefore().toString())
                .put("notAfter", code.notAfter().toString()).put("maskedName", code.maskedName());
        return node.toString();
    }

    private static String describe(VerifiedCode code) {
        return String.join(System.lineSeparator(),
                "collection code is valid",
                "  code id:  " + code.codeId(),
                "  school:   " + code.schoolCode(),
                "  cohort:   " + code.cohort(),
                "  valid:    " + code.notBefore() + " .. " + code.notAfter(),
                "  name:     " + code.maskedName());
    }
}
