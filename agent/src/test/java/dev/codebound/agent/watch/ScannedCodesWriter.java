package dev.codebound.agent.watch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A second process for {@link ScannedCodesProcessesTest}: remembers codes in batches, as a
 * scanner would, and prints {@code acknowledged <code id> <scanned at>} for each once
 * {@link ScannedCodes#rememberScans} has returned (once they are durable).
 * Arguments: journal, code id prefix, number of codes, batch size.
 */
final class ScannedCodesWriter {
    private ScannedCodesWriter() {}

    public static void main(String[] args) throws IOException {
        Path journal = Path.of(args[0]);
        String prefix = args[1];
        int codes = Integer.parseInt(args[2]);
        int batch = Integer.parseInt(args[3]);
        ScannedCodes scanned = new ScannedCodes(journal);
        for (int first = 0; first < codes; first += batch) {
            Instant now = Instant.now();
            List<ScannedCodes.Scanned> scans = new ArrayList<>();
            for (int i = first; i < Math.min(codes, first + batch); i++) {
                scans.add(ScannedCodesProcessesTest.scan(prefix + i, now));
            }
            scanned.rememberScans(scans, now);
            StringBuilder acknowledged = new StringBuilder();
            scans.forEach(scan -> acknowledged.append("acknowledged ").append(scan.codeId()).append(' ')
                    .append(scan.scannedAt()).append('\n'));
            System.out.print(acknowledged);
            System.out.flush();
        }
    }
}
