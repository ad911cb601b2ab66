package dev.codebound.agent.audit;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * Writes records for a SIEM: JSON Lines exactly as stored (so the receiver can re-check every
 * hash), or CSV with one column per field of any event. CSV needs no quoting because every
 * permitted value is free of commas, quotes and line breaks ({@link Field}).
 */
public final class LogExport {
    /** The export formats. */
    public enum Format {
        JSONL, CSV
    }

    private LogExport() {}

    public static void write(List<TransferRecord> records, Format format, Writer out) throws IOException {
        if (format == Format.JSONL) {
            for (TransferRecord record : records) {
                out.write(record.line());
                out.write('\n');
            }
            return;
        }
        StringBuilder header = new StringBuilder("seq,time,event");
        for (Field field : Field.values()) {
            header.append(',').append(field.jsonName());
        }
        out.write(header.append(",prev,hash\n").toString());
        for (TransferRecord record : records) {
            StringBuilder row = new StringBuilder().append(record.seq()).append(',').append(record.timeText())
                    .append(',').append(record.event().wireName());
            Map<Field, Object> values = record.values();
            for (Field field : Field.values()) {
                row.append(',');
                if (values.containsKey(field)) {
                    row.append(values.get(field));
                }
            }
            out.write(row.append(',').append(record.prev()).append(',').append(record.hash()).append('\n').toString());
        }
    }
}
