package io.geminidigest.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;

import io.geminidigest.gemini.GeminiCall;
import io.geminidigest.gemini.GeminiException;
import io.geminidigest.gemini.GeminiResponses;
import io.geminidigest.gemini.PriceTable;
import io.geminidigest.output.ErrorReport;

/** What the error handler takes for a configuration error, and how a job's own refused model is reported. */
class ReportsTest {

    static final String CONFIGURED = "gemini-2.5-flash";
    static final String REFUSED = "{\"error\":{\"code\":403,\"message\":\"The caller does not have permission\","
            + "\"status\":\"PERMISSION_DENIED\"}}";

    final Reports reports = new Reports(new PriceTable(0.3, 2.5, 0.3, 2.5, 200_000), CONFIGURED, 600, 2000);
    final GeminiResponses responses = new GeminiResponses();

    static JobOptions model(String model) {
        return new JobOptions(null, null, model, null, null);
    }

    GeminiException answered403(GeminiCall call) {
        return answered(call, 403, REFUSED);
    }

    /** The exception the gateway throws for this HTTP answer. */
    GeminiException answered(GeminiCall call, int status, String body) {
        try {
            responses.map(call, status, body, 0);
        } catch (GeminiException e) {
            return e;
        }
        throw new AssertionError("no exception for HTTP " + status);
    }

    @Test
    void a403OnTheJobsOwnModelFailsThatJobOnly() {
        GeminiException onJobModel = answered403(GeminiCall.getModel("gemini-3-ultra-preview"));
        assertThat(onJobModel.model()).isEqualTo("gemini-3-ultra-preview");
        // as the error handler sees it: wrapped by Camel
        Throwable wrapped = new CamelExecutionException("bean failed", null, onJobModel);
        assertThat(reports.isFatal(wrapped)).isTrue();
        assertThat(reports.isFatal(wrapped, model("gemini-3-ultra-preview"))).isFalse();

        ErrorReport report = reports.errorReport(null, "a.txt", wrapped, null, "failed/a.txt",
                model("gemini-3-ultra-preview"));
        assertThat(report.outcome()).isEqualTo("permission-denied");
        assertThat(report.message()).contains("'gemini-3-ultra-preview' chosen for this job")
                .contains("The caller does not have permission");
        assertThat(report.advice()).contains(CONFIGURED).contains("gemini-3-ultra-preview");
    }

    @Test
    void a403OnTheConfiguredModelOrOnACallNotOnTheJobsModelStaysFatal() {
        GeminiException onConfigured = answered403(GeminiCall.getModel(CONFIGURED));
        // no job model, the configured model asked for explicitly, or another job model: the key's problem
        assertThat(reports.isFatal(onConfigured, JobOptions.NONE)).isTrue();
        assertThat(reports.isFatal(onConfigured, model(CONFIGURED))).isTrue();
        assertThat(reports.isFatal(onConfigured, model("gemini-3-ultra-preview"))).isTrue();
        // a 403 of a Files API call names no model: not the job's model refusing
        GeminiException onUpload = answered403(GeminiCall.files("upload", GeminiCall.Kind.UPLOAD_START, null,
                null));
        assertThat(onUpload.model()).isNull();
        assertThat(reports.isFatal(onUpload, model("gemini-3-ultra-preview"))).isTrue();
    }

    @Test
    void anUnknownJobModelStillFailsThatJobOnly() {
        GeminiException notFound = answered(GeminiCall.getModel("gemini-0-nope"), 404,
                "{\"error\":{\"code\":404,\"message\":\"models/gemini-0-nope is not found for API version v1beta\","
                        + "\"status\":\"NOT_FOUND\"}}");
        assertThat(reports.isFatal(notFound, model("gemini-0-nope"))).isFalse();
        assertThat(reports.errorReport(null, "a.txt", notFound, null, null, model("gemini-0-nope")).message())
                .contains("'gemini-0-nope' chosen for this job does not exist");
        assertThat(reports.isFatal(notFound, JobOptions.NONE)).isTrue();
    }
}
