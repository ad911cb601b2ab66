package dev.codebound.server;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.http.StationAuthenticator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small tus client on java.net.http for protocol tests; plain mode sends the dev station header. */
public final class TusTestClient {
    private final HttpClient http;
    private final URI base;
    private final String station;

    /** {@code station} null sends no dev header (TLS mode, or testing its absence). */
    public TusTestClient(HttpClient http, URI base, String station) {
        this.http = http;
        this.base = base;
        this.station = station;
    }

    public static TusTestClient plain(MockRegistry registry, String station) {
        return new TusTestClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build(),
                registry.baseUri(), station);
    }

    public URI base() {
        return base;
    }

    public URI resolve(String path) {
        return base.resolve(path);
    }

    public HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(path)).timeout(Duration.ofSeconds(20));
        if (station != null) {
            builder.header(StationAuthenticator.DEV_STATION_HEADER, station);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** POST /files/ with Tus-Resumable and Upload-Length plus {@code headers}. */
    public HttpResponse<String> create(long length, String... headers) throws IOException, InterruptedException {
        return send(request("/files/", with(headers, Tus.TUS_RESUMABLE, Tus.VERSION, Tus.UPLOAD_LENGTH,
                Long.toString(length))).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** Creates an upload and returns its path (from Location). */
    public String createPath(long length, String... headers) throws IOException, InterruptedException {
        HttpResponse<String> response = create(length, headers);
        if (response.statusCode() != 201) {
            throw new AssertionError("creation failed: " + response.statusCode() + " " + response.body());
        }
        return response.headers().firstValue("Location").orElseThrow();
    }

    public HttpResponse<String> head(String path, String... headers) throws IOException, InterruptedException {
        return send(request(path, with(headers, Tus.TUS_RESUMABLE, Tus.VERSION))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    }

    public HttpResponse<String> patch(String path, long offset, byte[] body, String... headers)
            throws IOException, InterruptedException {
        return send(request(path, with(headers, Tus.TUS_RESUMABLE, Tus.VERSION, Tus.UPLOAD_OFFSET,
                Long.toString(offset), "Content-Type", Tus.OFFSET_CONTENT_TYPE))
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send(request(path, Tus.TUS_RESUMABLE, Tus.VERSION).DELETE().build());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    /** {@code extra} first, then {@code defaults} whose names {@code extra} does not override. */
    private static String[] with(String[] extra, String... defaults) {
        List<String> all = new ArrayList<>(List.of(extra));
        outer:
        for (int i = 0; i < defaults.length; i += 2) {
            for (int j = 0; j < extra.length; j += 2) {
                if (extra[j].equalsIgnoreCase(defaults[i])) {
                    continue outer;
                }
            }
            all.add(defaults[i]);
            all.add(defaults[i + 1]);
        }
        return all.toArray(String[]::new);
    }
}
