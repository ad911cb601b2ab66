package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.registry.RegistryClient;
import dev.codebound.agent.registry.RegistryRefusal;
import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationStanding;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.agent.upload.MutualTls;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import okhttp3.HttpUrl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trust refresh}: fetches the registry's newest trust bundle. */
@Command(name = "refresh", mixinStandardHelpOptions = true,
        description = {"Fetch the registry's trust bundle over mutual TLS, verify it against the pinned CA and "
                + "keep it if it is newer (an older one is refused: it could un-revoke codes). Prints the "
                + "sequence and how many codes, stations and registry keys are revoked, and the change.",
            "Exit codes: 0 done, 3 not enrolled or the bundle does not verify or is older, 6 registry "
                + "unreachable, 7 the registry refused, or revoked this station."})
final class TrustRefreshCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StationHome station = home.home();
        StationConfig config = home.context().config();
        HttpUrl url = RegistryAccess.url(config);
        StationTrust trust = new StationTrust(station);
        StationCredentials credentials = home.context().credentials();
        TrustBundle before = trust.bundle();
        byte[] signed;
        try {
            RegistryClient registry = new RegistryClient(url, RegistryAccess.client(MutualTls.create(
                    credentials.privateKey(), List.of(credentials.certificate()), trust.registryCa()), config, station));
            signed = registry.trustBundle();
        } catch (RegistryRefusal refusal) {
            throw RegistryAccess.refused("trust refresh failed", refusal);
        } catch (IOException e) {
            throw RegistryAccess.unreachable(url, e);
        }
        TrustBundle after = trust.update(signed, url + "/registry/v1/trust-bundle");
        if (after.sequence() != before.sequence()) {
            try (TransferLog log = TransferLog.open(station, Clock.systemUTC(), credentials)) {
                log.trustUpdated(after.sequence());
            }
        }

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("sequence", after.sequence()).put("previousSequence", before.sequence());
            node.putObject("revokedCodes").put("total", after.revokedCodeIds().size())
                    .put("added", added(before.revokedCodeIds(), after.revokedCodeIds()));
            node.putObject("revokedStations").put("total", after.revokedStationSerials().size())
                    .put("added", added(before.revokedStationSerials(), after.revokedStationSerials()));
            node.putObject("revokedKeys").put("total", after.revokedKeyIds().size())
                    .put("added", added(before.revokedKeyIds(), after.revokedKeyIds()));
            out.println(node);
        } else {
            out.println(after.sequence() == before.sequence()
                    ? "trust bundle is up to date (sequence " + after.sequence() + ")"
                    : "trust bundle updated to sequence " + after.sequence() + " (was " + before.sequence() + ")");
            out.println(line("revoked codes:   ", before.revokedCodeIds(), after.revokedCodeIds()));
            out.println(line("revoked stations:", before.revokedStationSerials(), after.revokedStationSerials()));
            out.println(line("revoked keys:    ", before.revokedKeyIds(), after.revokedKeyIds()));
        }
        StationStanding.requireNotRevoked(credentials, after, "it can no longer capture or upload");
        return ExitCodes.OK;
    }

    private static String line(String label, Set<String> before, Set<String> after) {
        return "  " + label + " " + after.size() + " (+" + added(before, after) + ")";
    }

    private static int added(Set<String> before, Set<String> after) {
        Set<String> added = new HashSet<>(after);
        added.removeAll(before);
        return added.size();
    }
}
