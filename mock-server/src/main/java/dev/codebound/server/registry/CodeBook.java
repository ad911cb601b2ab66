package dev.codebound.server.registry;

import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.CollectionCode;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.CodeProof;
import dev.codebound.protocol.envelope.CodeProofKey;
import dev.codebound.protocol.envelope.CodeProofKeys;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The collection codes this registry has issued. It keeps each code's public fields (never the
 * student's identity, which lives sealed inside the code) so that codes can be listed and revoked.
 * The records are kept by a {@link CodeStore}, whose contract says what is durable when.
 */
public final class CodeBook {
    /** Validity of a code when the request names none. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);
    /** Largest batch accepted in one request: a large school's cohort, not a denial of service. */
    public static final int MAX_BATCH = 20_000;

    /** CSV columns, in the order documented in docs/registry-api.md; the last two are optional. */
    static final String[] CSV_COLUMNS = {"student_number", "name", "id_number", "school_code", "cohort", "not_before",
        "not_after"};

    /**
     * The registry's record of an issued code.
     *
     * @param codeId        the code id
     * @param text          the code text (its identity part is sealed to the registry, so storing it
     *                      reveals nothing the registry does not already know); kept to re-render the QR code
     * @param schoolCode    the school
     * @param cohort        the graduation year
     * @param notBefore     start of validity
     * @param notAfter      end of validity
     * @param issuedAt      when it was issued
     * @param revokedAt     when it was revoked, or {@code null}
     * @param codeKeySha256 hex code key for format 2 envelopes of suite 1 ({@link CodeProof#codeKey}, SHA-256),
     *                      or {@code null} in a record from before code keys; a secret: never logged or shown
     * @param codeKeySm3    the same for suite 2 (SM3), or {@code null}
     */
    public record CodeRecord(String codeId, String text, int schoolCode, int cohort, Instant notBefore, Instant notAfter,
            Instant issuedAt, Instant revokedAt, String codeKeySha256, String codeKeySm3) {

        /**
         * The validity in whole seconds, as the code itself says it: records written before issued
         * codes were truncated kept the request's fraction of a second, which made the record start
         * later than the code and refused photos taken within the code's first second.
         */
        public CodeRecord {
            notBefore = notBefore.truncatedTo(ChronoUnit.SECONDS);
            notAfter = notAfter.truncatedTo(ChronoUnit.SECONDS);
        }

        /** A new record of {@code code}, with its code keys. */
        static CodeRecord issued(IssuedCode code, Instant issuedAt) {
            return new CodeRecord(code.codeId(), code.text(), code.schoolCode(), code.cohort(), code.notBefore(),
                    code.notAfter(), issuedAt, null, null, null).withCodeKeys()
                    .orElseThrow(() -> new IllegalStateException("the code just issued does not decode"));
        }

        /** This record revoked at {@code at}. */
        public CodeRecord revoked(Instant at) {
            return new CodeRecord(codeId, text, schoolCode, cohort, notBefore, notAfter, issuedAt, at, codeKeySha256,
                    codeKeySm3);
        }

        /**
         * This record with the code keys derived from its text, for a record from before code keys;
         * empty when its text is not a collection code (then it gets no keys, and format 2 envelopes
         * for it are refused).
         */
        public Optional<CodeRecord> withCodeKeys() {
            CollectionCode code;
            try {
                code = CollectionCode.decode(text);
            } catch (CodeException e) {
                return Optional.empty();
            }
            return Optional.of(new CodeRecord(codeId, text, schoolCode, cohort, notBefore, notAfter, issuedAt,
                    revokedAt, HexFormat.of().formatHex(CodeProof.codeKey(Suite.P256_AES256GCM_SHA256, code)),
                    HexFormat.of().formatHex(CodeProof.codeKey(Suite.SM2_SM4GCM_SM3, code))));
        }

        /** Whether the record holds its code keys (every record written since code keys exist). */
        public boolean hasCodeKeys() {
            return codeKeySha256 != null && codeKeySm3 != null;
        }

        /** The code key of envelope suite {@code suite}, if the record holds it. */
        public Optional<byte[]> codeKey(Suite suite) {
            String hex = suite == Suite.SM2_SM4GCM_SM3 ? codeKeySm3 : suite == Suite.P256_AES256GCM_SHA256
                    ? codeKeySha256 : null;
            return Optional.ofNullable(hex).map(HexFormat.of()::parseHex);
        }

        /** Without the code keys (secrets) and the text (a bearer credential): records may reach logs. */
        @Override
        public String toString() {
            return "CodeRecord[" + codeId + ", school " + schoolCode + ", cohort " + cohort + ", valid " + notBefore
                    + " to " + notAfter + ", issued " + issuedAt + (revokedAt == null ? "" : ", revoked " + revokedAt)
                    + (hasCodeKeys() ? "" : ", no code keys") + "]";
        }
    }

    /** What one code request asks for. */
    public record CodeRequest(StudentIdentity student, int schoolCode, int cohort, Instant notBefore,
            Instant notAfter) {}

    private final CodeStore records;
    private final CodeIssuer issuer;
    private final Clock clock;

    /** The code book over {@code records}, issuing with {@code issuer}. */
    public CodeBook(CodeStore records, CodeIssuer issuer, Clock clock) {
        this.records = records;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** Issues and records one code. */
    public IssuedCode issue(CodeRequest request) throws IOException {
        IssuedCode code = make(request);
        records.add(CodeRecord.issued(code, clock.instant()));
        return code;
    }

    private IssuedCode make(CodeRequest request) {
        return issuer.issue(request.student(), request.schoolCode(), request.cohort(), request.notBefore(),
                request.notAfter());
    }

    /**
     * Validates a whole CSV batch first and issues codes only if every row is valid, so a batch
     * never half-succeeds.
     *
     * @param csv the whole list, in memory, so that every failure to read it is the list's fault
     * @throws Refusal CSV_INVALID (400) listing every bad row with its column, or saying why the text
     *                 is not a readable list
     * @throws IOException only when recording an issued code fails
     */
    public List<IssuedCode> issueBatch(String csv) throws IOException, Refusal {
        List<CodeRequest> requests = parseBatch(csv);
        List<IssuedCode> issued = new ArrayList<>(requests.size());
        List<CodeRecord> recorded = new ArrayList<>(requests.size());
        for (CodeRequest request : requests) {
            IssuedCode code = make(request);
            issued.add(code);
            recorded.add(CodeRecord.issued(code, clock.instant()));
        }
        // One durable write for the whole list: none of it is handed out before all of it is recorded.
        records.addAll(recorded);
        return issued;
    }

    /**
     * The requests of a list, or the refusal that says what is wrong with it. The text is in memory,
     * so whatever Commons CSV throws (a CSVException for a quote in an unquoted field, an
     * IllegalArgumentException for an empty or repeated column name) is the list's fault, never a
     * storage failure: every such exception becomes CSV_INVALID.
     */
    List<CodeRequest> parseBatch(String csv) throws Refusal {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).get();
        List<String> errors = new ArrayList<>();
        List<CodeRequest> requests = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(csv), format)) {
            List<String> header = parser.getHeaderNames();
            for (int i = 0; i < 5; i++) {
                if (!header.contains(CSV_COLUMNS[i])) {
                    throw new Refusal(ProblemType.CSV_INVALID, "the CSV header must name the columns "
                            + String.join(",", CSV_COLUMNS) + " (the last two optional); '" + CSV_COLUMNS[i]
                            + "' is missing");
                }
            }
            for (CSVRecord row : parser) {
                if (requests.size() + errors.size() >= MAX_BATCH) {
                    throw new Refusal(ProblemType.CSV_TOO_MANY_ROWS, "a batch may hold at most " + MAX_BATCH
                            + " rows; split the file");
                }
                try {
                    requests.add(parseRow(row, header));
                } catch (IllegalArgumentException | DateTimeParseException e) {
                    errors.add("row " + row.getRecordNumber() + ": " + e.getMessage());
                }
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new Refusal(ProblemType.CSV_INVALID, "the CSV cannot be parsed: " + e.getMessage());
        }
        if (!errors.isEmpty()) {
            throw new Refusal(ProblemType.CSV_INVALID, errors.size() + " invalid row(s), no code issued: "
                    + String.join("; ", errors.subList(0, Math.min(errors.size(), 20)))
                    + (errors.size() > 20 ? "; ..." : ""));
        }
        if (requests.isEmpty()) {
            throw new Refusal(ProblemType.CSV_INVALID, "the CSV has a header but no student rows");
        }
        return requests;
    }

    private CodeRequest parseRow(CSVRecord row, List<String> header) {
        StudentIdentity student = new StudentIdentity(row.get("student_number"), row.get("name"), row.get("id_number"));
        int school = integer(row.get("school_code"), "school_code");
        int cohort = integer(row.get("cohort"), "cohort");
        Instant notBefore = optionalInstant(row, header, "not_before").orElse(clock.instant());
        Instant notAfter = optionalInstant(row, header, "not_after").orElse(notBefore.plus(DEFAULT_VALIDITY));
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("not_after must be later than not_before");
        }
        return new CodeRequest(student, school, cohort, notBefore, notAfter);
    }

    private static Optional<Instant> optionalInstant(CSVRecord row, List<String> header, String column) {
        if (!header.contains(column) || !row.isSet(column) || row.get(column).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(row.get(column)));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(column + " '" + row.get(column)
                    + "' is not an ISO-8601 instant such as 2027-05-01T00:00:00Z");
        }
    }

    private static int integer(String value, String column) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(column + " '" + value + "' is not a whole number");
        }
    }

    /** The record of a code this registry issued. */
    public Optional<CodeRecord> find(String codeId) throws IOException {
        return records.find(codeId);
    }

    /** Every issued code's record, in no particular order. */
    public List<CodeRecord> all() throws IOException {
        return records.all();
    }

    /**
     * Revokes a code; revoking twice keeps the first revocation.
     *
     * @throws Refusal CODE_UNKNOWN (404)
     */
    public CodeRecord revoke(String codeId) throws IOException, Refusal {
        return records.revoke(codeId, clock.instant()).orElseThrow(() -> new Refusal(ProblemType.CODE_UNKNOWN,
                "no code '" + codeId + "' was issued by this registry"));
    }

    /**
     * The code keys of the codes this registry issued, for checking format 2 envelopes: a code's key
     * for the envelope's suite and its validity, from its record. A record without keys (written by a
     * node of an earlier release after the store was opened here) has them derived from its text on
     * the spot. Empty for a code not issued here, or whose record's text is not a code.
     */
    public CodeProofKeys proofKeys() {
        return (codeId, suite) -> proofKey(records.find(codeId), suite);
    }

    /**
     * The code key of envelope suite {@code suite} from a code's record, as {@link #proofKeys()}
     * answers it: derived from the record's text when the record predates code keys; empty when there
     * is no record, or its text is not a code.
     */
    static Optional<CodeProofKey> proofKey(Optional<CodeRecord> found, Suite suite) {
        Optional<CodeRecord> keyed = found.filter(CodeRecord::hasCodeKeys).or(() -> found.flatMap(
                CodeRecord::withCodeKeys));
        return keyed.flatMap(record -> record.codeKey(suite).map(key -> new CodeProofKey(key, record.notBefore(),
                record.notAfter())));
    }

    /** Ids of every revoked code (for the trust bundle); answered from memory. */
    public Set<String> revokedCodeIds() {
        return records.revokedCodeIds();
    }
}
