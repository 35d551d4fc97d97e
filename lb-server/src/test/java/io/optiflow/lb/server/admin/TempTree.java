package io.optiflow.lb.server.admin;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deletes a test's temporary folder tree, quietly: a leftover temp folder is harmless. */
public final class TempTree {

    private TempTree() {
    }

    public static void delete(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }
}
