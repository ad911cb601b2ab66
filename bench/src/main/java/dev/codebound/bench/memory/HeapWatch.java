package dev.codebound.bench.memory;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Peak heap, three ways: the sum of the heap pools' peak usage (an upper bound: the pools peak at
 * different moments), the highest used heap sampled every 20 ms (a lower bound), and the highest
 * heap occupancy the GC log reports before a collection. Also the peak of direct buffers, which
 * Netty and NIO use outside the heap.
 */
final class HeapWatch implements AutoCloseable {
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private volatile long sampledPeak;
    private volatile long directPeak;
    private volatile boolean running = true;
    private final Thread sampler;
    private final Path gcLog;
    private int gcLinesBeforeReset;

    HeapWatch(Path gcLog) {
        this.gcLog = gcLog;
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        sampledPeak = Math.max(sampledPeak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            direct += pool.getMemoryUsed();
        }
        directPeak = Math.max(directPeak, direct);
    }

    /** Forgets what setting up the measurement used (after a full GC). */
    void reset() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        sampledPeak = 0;
        directPeak = 0;
        try {
            gcLinesBeforeReset = Files.exists(gcLog) ? Files.readAllLines(gcLog).size() : 0;
        } catch (IOException e) {
            gcLinesBeforeReset = 0;
        }
    }

    Map<String, Object> result() throws IOException {
        sample();
        long poolPeaks = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                poolPeaks += pool.getPeakUsage().getUsed();
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        result.put("heapPoolPeaksSumBytes", poolPeaks);
        result.put("sampledHeapPeakBytes", sampledPeak);
        result.put("directBufferPeakBytes", directPeak);
        if (gcLog != null && Files.exists(gcLog)) {
            long gcPeak = 0;
            int collections = 0;
            List<String> lines = Files.readAllLines(gcLog);
            for (String line : lines.subList(Math.min(gcLinesBeforeReset, lines.size()), lines.size())) {
                Matcher m = GC_LINE.matcher(line);
                if (m.find()) {
                    collections++;
                    gcPeak = Math.max(gcPeak, Long.parseLong(m.group(1)) << 20);
                }
            }
            result.put("gcLogPeakBeforeCollectionBytes", gcPeak);
            result.put("gcLogCollections", collections);
        }
        return result;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
