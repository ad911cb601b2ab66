package dev.codebound.bench.micro;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.codebound.bench.JfrProfile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.jfr.Recording;

/**
 * Seals (or opens) one photo size in a loop under JDK Flight Recorder and prints where the samples
 * fell: {@code java -cp codebound-bench.jar dev.codebound.bench.micro.ProfileEnvelope seal 8388608 20 out.jfr}.
 */
public final class ProfileEnvelope {
    private ProfileEnvelope() {}

    public static void main(String[] args) throws Exception {
        String operation = args[0];
        int size = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        Path file = Path.of(args.length > 3 ? args[3] : "profile-" + operation + "-" + size + ".jfr");
        EnvelopeBench bench = new EnvelopeBench();
        bench.size = size;
        bench.setUp();
        long warm = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warm) {
            run(bench, operation);
        }
        Recording recording = JfrProfile.start();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int count = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            run(bench, operation);
            count++;
        }
        double micros = (System.nanoTime() - t0) / 1e3 / count;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("operation", operation);
        summary.put("size", size);
        summary.put("count", count);
        summary.put("microsPerOperation", micros);
        summary.putAll(JfrProfile.stopAndSummarize(recording, file));
        bench.tearDown();
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
    }

    private static void run(EnvelopeBench bench, String operation) throws Exception {
        if (operation.equals("seal")) {
            bench.seal();
        } else {
            bench.open();
        }
    }
}
