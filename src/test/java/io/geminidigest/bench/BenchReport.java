package io.geminidigest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Collects a benchmark's figures: rows of a plain-text table printed to stdout, and the same figures as JSON in
 * {@code bench/out/<name>.json} (folder from the system property {@code bench.out}, default {@code bench/out}).
 */
public final class BenchReport {

    private final String name;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();

    public BenchReport(String name) {
        this.name = name;
        json.put("benchmark", name);
        json.put("machine", machine());
    }

    /** Adds a figure to the JSON (under a section, {@code null} for the top level) and a row to the table. */
    public BenchReport figure(String section, String key, Object value, String unit) {
        section(section).put(key, value);
        rows.add(new String[] { section == null ? "" : section, key, format(value), unit == null ? "" : unit });
        return this;
    }

    /** Adds to the JSON only (details not worth a table row). */
    public BenchReport detail(String section, String key, Object value) {
        section(section).put(key, value);
        return this;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(String section) {
        return section == null ? json : (Map<String, Object>) json.computeIfAbsent(section, s -> new LinkedHashMap<>());
    }

    /** Prints the table and writes the JSON file; returns its path. */
    public Path write() {
        int[] width = new int[4];
        for (String[] r : rows) {
            for (int i = 0; i < 4; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder("\n== ").append(name).append(" (").append(machine()).append(")\n");
        String previous = null;
        for (String[] r : rows) {
            String section = r[0].equals(previous) ? "" : r[0];
            previous = r[0];
            sb.append(String.format(Locale.ROOT, "%-" + width[0] + "s  %-" + width[1] + "s  %" + width[2] + "s  %s%n",
                    section, r[1], r[2], r[3]));
        }
        System.out.print(sb);
        json.put("machine", machine());
        Path dir = Path.of(System.getProperty("bench.out", "bench/out"));
        Path file = dir.resolve(name + ".json");
        try {
            Files.createDirectories(dir);
            BenchApp.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("figures written to " + file);
        return file;
    }

    static String format(Object value) {
        if (value instanceof Double d) {
            double a = Math.abs(d);
            return a >= 100 ? String.format(Locale.ROOT, "%,.0f", d)
                    : a >= 10 ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.2f", d);
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", value);
        }
        return String.valueOf(value);
    }

    /** Rounds for the JSON: 3 decimals. */
    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    /** The {@code q}-quantile (nearest rank) of the values; 0 for none. */
    static long quantile(long[] values, double q) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String machine() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "%d cores, Java %s, load average %.2f at the end",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load);
    }
}
