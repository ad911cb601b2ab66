package dev.codebound.server.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.json.UtcInstantDeserializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A directory of JSON records, one file per key, each written atomically and durably. The mock
 * registry's state (stations, tokens, codes, accepted photos) is small and written rarely, so one
 * file per record is simpler and more robust than a database: a crash leaves every record either
 * old or new.
 *
 * @param <T> the record type (a Java record that Jackson can map)
 */
final class JsonRecordStore<T> {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            // Registered after the JavaTimeModule, so it reads instants in its place.
            .registerModule(UtcInstantDeserializer.module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path directory;
    private final Class<T> type;

    JsonRecordStore(Path directory, Class<T> type) throws IOException {
        this.directory = directory;
        this.type = type;
        DurableFiles.createPrivateDirectory(directory);
        DurableFiles.removeStaleTemporaries(directory);
    }

    void put(String key, T value) throws IOException {
        DurableFiles.writePrivate(file(key), encode(value));
    }

    /** Writes several records, each atomically, sharing their syncs ({@link DurableFiles#writeAllPrivate}). */
    void putAll(Map<String, T> values) throws IOException {
        Map<Path, byte[]> files = new LinkedHashMap<>();
        for (Map.Entry<String, T> value : values.entrySet()) {
            files.put(file(value.getKey()), encode(value.getValue()));
        }
        DurableFiles.writeAllPrivate(files);
    }

    private static byte[] encode(Object value) throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
    }

    Optional<T> get(String key) throws IOException {
        byte[] record;
        try {
            // Read without a look first: a lookup is one open, not an access(2) and an open.
            record = Files.readAllBytes(file(key));
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(record, type));
    }

    /** Removes a record durably; returns whether it existed. */
    boolean remove(String key) throws IOException {
        boolean existed = Files.deleteIfExists(file(key));
        if (existed) {
            DurableFiles.syncDirectory(directory);
        }
        return existed;
    }

    List<T> all() {
        List<T> result = new ArrayList<>();
        try (var files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path file : files) {
                result.add(JSON.readValue(file.toFile(), type));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read records under " + directory, e);
        }
        return result;
    }

    private Path file(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("invalid record key");
        }
        return directory.resolve(key + ".json");
    }
}
