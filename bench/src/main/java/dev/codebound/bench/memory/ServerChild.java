package dev.codebound.bench.memory;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.bench.JfrProfile;
import dev.codebound.bench.Photos;
import dev.codebound.bench.e2e.Fleet;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.server.MockRegistry;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;

/**
 * The mock registry in a JVM of its own (run with {@code -Xmx512m}) for the many-stations test. It
 * enrols the stations, issues a code for each and seals one envelope per station into files named
 * in a manifest, then forgets that setup's heap (full GC, peaks reset), prints {@code READY port}
 * and serves. On the line {@code REPORT} from its parent it prints {@code RESULT {json}} with its
 * peak heap and exits.
 *
 * <p>Arguments: data dir, number of stations, photo bytes, manifest file, GC log file, JFR file.
 */
public final class ServerChild {
    private ServerChild() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int stations = Integer.parseInt(args[1]);
        int photoSize = Integer.parseInt(args[2]);
        Path manifest = Path.of(args[3]);
        try (MockRegistry server = Fleet.registry(dataDir.resolve("registry"));
                HeapWatch watch = new HeapWatch(Path.of(args[4]))) {
            TrustBundle bundle = server.registry().trustBundles().currentBundle();
            List<IssuedCode> codes = Fleet.codes(server, stations, 500_000);
            List<String> lines = new ArrayList<>();
            Path out = dataDir.resolve("stations");
            Files.createDirectories(out);
            for (int i = 0; i < stations; i++) {
                StationCredentials station = Fleet.enroll(server, "load-" + i);
                Path key = out.resolve(i + ".key.pem");
                Path cert = out.resolve(i + ".cert.pem");
                Path envelope = out.resolve(i + ".cms");
                PemFiles.writePrivateKey(key, station.privateKey(), null);
                PemFiles.writeCertificates(cert, List.of(station.certificate()));
                Instant now = Instant.now();
                byte[] photo = Photos.withinSpecification(photoSize) ? Photos.jpeg(i) : Photos.photo(photoSize, i);
                try (OutputStream sealed = new BufferedOutputStream(Files.newOutputStream(envelope), 1 << 16)) {
                    EnvelopeSealer.forBundle(station, bundle, now).seal(PhotoSource.of(photo),
                            new CodeVerifier(bundle).verify(codes.get(i).text(), now), CaptureMetadata.jpeg(now),
                            sealed);
                }
                lines.add(String.join("\t", station.stationId(), codes.get(i).codeId(), key.toString(),
                        cert.toString(), envelope.toString()));
            }
            lines.add("CA\t" + server.caCertificateFile().toAbsolutePath());
            Files.write(manifest, lines, StandardCharsets.UTF_8);
            watch.reset();
            Recording recording = JfrProfile.start();
            System.out.println("READY " + server.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("REPORT")) {
                    Map<String, Object> result = watch.result();
                    if (args.length > 5) {
                        result.put("profile", JfrProfile.stopAndSummarize(recording, Path.of(args[5])));
                    }
                    System.out.println("RESULT " + new ObjectMapper().writeValueAsString(result));
                    System.out.flush();
                    break;
                }
            }
        }
        System.exit(0);
    }
}
