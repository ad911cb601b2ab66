package dev.codebound.bench.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.upload.MutualTls;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.pki.PemFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The registry administrator's part, over the admin API (docs/registry-api.md): enrollment tokens and codes. */
public final class RegistryAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final MediaType CSV_TYPE = MediaType.get("text/csv; charset=utf-8");
    /** The school the codes are issued for; the station is set up for it. */
    public static final int SCHOOL = 10337;

    /** A code the registry issued: its id and the text its QR code shows. */
    public record Code(String codeId, String text) {}

    private final HttpUrl base;
    private final OkHttpClient client;
    private final String token;

    public RegistryAdmin(RegistryServer registry) throws IOException {
        this.base = HttpUrl.get(registry.baseUri().toString());
        this.client = MutualTls.serverAuthenticated(PemFiles.readCertificates(registry.caCertificate()).get(0))
                .build();
        this.token = registry.adminToken();
    }

    /** A one-time enrollment token for one station. */
    public String enrollmentToken(String note) throws IOException {
        String body = JSON.createObjectNode().put("note", note).put("validitySeconds", 3600).toString();
        return post("/admin/v1/enrollment-tokens", RequestBody.create(body, JSON_TYPE)).get("token").asText();
    }

    /** One code each for {@code count} synthetic students numbered from {@code firstStudent} (new ones per round). */
    public List<Code> issueCodes(int firstStudent, int count) throws IOException {
        StringBuilder csv = new StringBuilder("student_number,name,id_number,school_code,cohort\n");
        for (int i = firstStudent; i < firstStudent + count; i++) {
            String first17 = "1101052000" + String.format("%07d", i);
            csv.append("B").append(i).append(",Bench Student ").append(i).append(',').append(first17)
                    .append(StudentIdentity.idNumberCheckCharacter(first17)).append(',').append(SCHOOL)
                    .append(",2027\n");
        }
        List<Code> codes = new ArrayList<>(count);
        for (JsonNode code : post("/admin/v1/codes/batch", RequestBody.create(csv.toString(), CSV_TYPE))
                .get("codes")) {
            codes.add(new Code(code.get("codeId").asText(), code.get("text").asText()));
        }
        if (codes.size() != count) {
            throw new IOException("asked the registry for " + count + " codes, got " + codes.size());
        }
        return codes;
    }

    private JsonNode post(String path, RequestBody body) throws IOException {
        Request request = new Request.Builder().url(base.resolve(path)).header("Authorization", "Bearer " + token)
                .post(body).build();
        try (Response response = client.newCall(request).execute()) {
            if (!response.isSuccessful()) {
                throw new IOException("POST " + path + " answered HTTP " + response.code() + ": "
                        + response.body().string());
            }
            return JSON.readTree(response.body().bytes());
        }
    }
}
