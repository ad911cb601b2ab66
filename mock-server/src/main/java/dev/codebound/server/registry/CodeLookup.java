package dev.codebound.server.registry;

import dev.codebound.protocol.envelope.CodeProofKey;
import dev.codebound.protocol.envelope.CodeProofKeys;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.server.registry.CodeBook.CodeRecord;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The code records one acceptance consults, each read from the {@link CodeBook} at most once. A
 * format 2 envelope's record is needed twice: for its code key while the envelope is opened, and
 * to check that its code was issued here once it opened. Each read is a file read and a JSON parse
 * (or a database query): done twice, about 6% of the registry's CPU per accepted photo.
 *
 * <p>Answering the second question from the first read decides the same: a code's record is never
 * removed, and what may change in it meanwhile (its revocation) is not what the second question
 * asks; revocation is judged while the envelope is opened, from the trust bundle, as before.
 *
 * <p>Confined to the thread of one acceptance; a new lookup per envelope, so nothing is remembered
 * beyond it.
 */
final class CodeLookup implements CodeProofKeys {
    private final CodeBook codes;
    private final Map<String, Optional<CodeRecord>> read = new HashMap<>(2);

    /** A lookup that reads from {@code codes}. */
    CodeLookup(CodeBook codes) {
        this.codes = codes;
    }

    /** The record of a code this registry issued, read at most once per lookup. */
    Optional<CodeRecord> find(String codeId) throws IOException {
        Optional<CodeRecord> record = read.get(codeId);
        if (record == null) {
            record = codes.find(codeId);
            read.put(codeId, record);
        }
        return record;
    }

    @Override
    public Optional<CodeProofKey> find(String codeId, Suite suite) throws IOException {
        return CodeBook.proofKey(find(codeId), suite);
    }
}
