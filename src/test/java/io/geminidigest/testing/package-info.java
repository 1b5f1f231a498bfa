/**
 * Test fixtures: {@link io.geminidigest.testing.FakeGemini}, a strict in-process fake of Google's Gemini REST API
 * (v1beta), and its value types ({@link io.geminidigest.testing.Answer}, {@link io.geminidigest.testing.Fault},
 * {@link io.geminidigest.testing.GenerateCall}, {@link io.geminidigest.testing.RecordedRequest}).
 *
 * <p>Layout: {@code FakeGemini} owns the HTTP server, configuration, key check and recording, and dispatches to
 * {@link io.geminidigest.testing.ApiArea} implementations ({@code ModelsApi}, {@code GenerateApi}). Request
 * validation is in {@code RequestValidator}, the token rules in {@code Tokenizer}, rate limits and 429 bodies in
 * {@code QuotaLimiter}, the error envelope in {@code ApiError}. A Files API belongs in a new {@code FilesApi} area.
 */
package io.geminidigest.testing;
