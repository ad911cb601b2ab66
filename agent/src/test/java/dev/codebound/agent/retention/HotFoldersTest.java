package dev.codebound.agent.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codebound.agent.station.StationHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HotFoldersTest {
    @TempDir
    Path temp;

    @Test
    void aFolderRegisteredAfterATornLineIsFoundAndTheFragmentIsNot() throws Exception {
        StationHome home = new StationHome(temp.resolve("station"));
        HotFolders folders = new HotFolders(home);
        Path first = temp.resolve("camera-a");
        Path second = temp.resolve("camera-b");
        folders.register(first);
        // A crash in the middle of appending a third folder's line: part of its path, no newline.
        Files.writeString(home.retention().resolve("hot-folders"), temp.resolve("came").toString(),
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        folders.register(second);

        assertEquals(List.of(first.toAbsolutePath().normalize(), temp.resolve("came").toAbsolutePath().normalize(),
                second.toAbsolutePath().normalize()), folders.list(),
                "the torn fragment stays a line of its own (a folder never used holds nothing to sweep)");
    }

    @Test
    void aFolderIsRecordedOnce() throws Exception {
        HotFolders folders = new HotFolders(new StationHome(temp.resolve("station")));
        folders.register(temp.resolve("camera"));
        folders.register(temp.resolve("camera"));

        assertEquals(List.of(temp.resolve("camera").toAbsolutePath().normalize()), folders.list());
    }
}
