package dev.codebound.server.admincli;

import dev.codebound.protocol.code.StudentIdentity;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A student list for a batch of codes, checked here before anything is sent, so that a mistake is
 * reported with its line and column in the file (the registry, which checks again, can only name
 * the row). The columns are those of {@code POST /admin/v1/codes/batch}: {@code student_number,
 * name, id_number, school_code, cohort} and optionally {@code not_before, not_after}.
 */
final class StudentCsv {
    static final List<String> REQUIRED = List.of("student_number", "name", "id_number", "school_code", "cohort");
    static final List<String> OPTIONAL = List.of("not_before", "not_after");
    /** Errors reported at most, so that a wholly wrong file gives a readable message. */
    private static final int MAX_ERRORS = 10;

    private StudentCsv() {}

    /**
     * The student numbers, in file order, of a valid list.
     *
     * @throws AdminFailure exit code 3, naming the file, line and column of every problem (up to ten)
     */
    static List<String> studentNumbers(Reader csv, String source) throws AdminFailure {
        List<String> errors = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        CSVFormat format = CSVFormat.DEFAULT.builder().setTrim(true).get();
        try (CSVParser parser = CSVParser.parse(csv, format)) {
            Iterator<CSVRecord> records = parser.iterator();
            long headerLine = parser.getCurrentLineNumber() + 1;
            if (!records.hasNext()) {
                throw new AdminFailure(AdminExitCodes.INPUT, source + " is empty; the first line must be the header "
                        + String.join(",", REQUIRED) + "[," + String.join(",", OPTIONAL) + "]");
            }
            List<String> header = records.next().toList();
            Map<String, Integer> columns = columns(header, source, headerLine);
            Map<String, Long> seen = new HashMap<>();
            while (true) {
                long line = parser.getCurrentLineNumber() + 1;
                if (!records.hasNext()) {
                    break;
                }
                CSVRecord row = records.next();
                if (row.size() == 1 && row.get(0).isEmpty()) {
                    continue;
                }
                if (row.size() != header.size()) {
                    errors.add(source + ":" + line + ": " + row.size() + " field(s) where the header has "
                            + header.size());
                } else {
                    check(row, columns, source + ":" + line, errors, seen, line, numbers);
                }
                if (errors.size() >= MAX_ERRORS) {
                    break;
                }
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new AdminFailure(AdminExitCodes.INPUT, source + ": not readable as CSV: " + e.getMessage(), e);
        }
        if (!errors.isEmpty()) {
            throw new AdminFailure(AdminExitCodes.INPUT, errors.size() + (errors.size() >= MAX_ERRORS ? "+" : "")
                    + " problem(s) in the student list, no code issued: " + String.join("; ", errors));
        }
        if (numbers.isEmpty()) {
            throw new AdminFailure(AdminExitCodes.INPUT, source + " has a header but no student rows");
        }
        return numbers;
    }

    private static Map<String, Integer> columns(List<String> header, String source, long line) throws AdminFailure {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (!REQUIRED.contains(name) && !OPTIONAL.contains(name)) {
                throw new AdminFailure(AdminExitCodes.INPUT, source + ":" + line + ", column " + (i + 1)
                        + ": unknown column '" + name + "'; the header names " + String.join(",", REQUIRED)
                        + " and optionally " + String.join(",", OPTIONAL));
            }
            if (columns.put(name, i) != null) {
                throw new AdminFailure(AdminExitCodes.INPUT, source + ":" + line + ", column " + (i + 1)
                        + ": column '" + name + "' appears twice");
            }
        }
        for (String name : REQUIRED) {
            if (!columns.containsKey(name)) {
                throw new AdminFailure(AdminExitCodes.INPUT, source + ":" + line + ": the header lacks column '"
                        + name + "'; it must name " + String.join(",", REQUIRED));
            }
        }
        return columns;
    }

    private static void check(CSVRecord row, Map<String, Integer> columns, String where, List<String> errors,
            Map<String, Long> seen, long line, List<String> numbers) {
        String number = row.get(columns.get("student_number"));
        String name = row.get(columns.get("name"));
        String id = row.get(columns.get("id_number"));
        try {
            new StudentIdentity(number, name, id);
        } catch (IllegalArgumentException e) {
            String column = e.getMessage().startsWith("student number") ? "student_number"
                    : e.getMessage().startsWith("name") ? "name" : "id_number";
            errors.add(at(where, columns, column) + e.getMessage());
            return;
        }
        Long earlier = seen.putIfAbsent(number, line);
        if (earlier != null) {
            errors.add(at(where, columns, "student_number") + "student number " + number + " is also on line "
                    + earlier + " (its QR file would be overwritten)");
            return;
        }
        for (String column : List.of("school_code", "cohort")) {
            String value = row.get(columns.get(column));
            if (!value.matches("[0-9]{1,9}")) {
                errors.add(at(where, columns, column) + "'" + value + "' is not a whole number");
                return;
            }
        }
        for (String column : OPTIONAL) {
            Integer index = columns.get(column);
            if (index != null && !row.get(index).isEmpty()) {
                try {
                    Instant.parse(row.get(index));
                } catch (DateTimeParseException e) {
                    errors.add(at(where, columns, column) + "'" + row.get(index)
                            + "' is not an ISO-8601 instant such as 2027-05-01T00:00:00Z");
                    return;
                }
            }
        }
        numbers.add(number);
    }

    private static String at(String where, Map<String, Integer> columns, String column) {
        return where + ", column " + (columns.get(column) + 1) + " (" + column + "): ";
    }
}
