/**
 * Test fixtures: {@link io.geminidigest.testing.FakeGemini}, a strict in-process fake of Google's Gemini REST API
 * (v1beta), and its value types ({@link io.geminidigest.testing.Answer}, {@link io.geminidigest.testing.Fault},
 * {@link io.geminidigest.testing.GenerateCall}, {@link io.geminidigest.testing.MediaPart},
 * {@link io.geminidigest.testing.FakeFile}, {@link io.geminidigest.testing.RecordedRequest}).
 *
 * <p>Layout: {@code FakeGemini} owns the HTTP server, configuration, key check and recording, and dispatches to
 * {@link io.geminidigest.testing.ApiArea} implementations ({@code ModelsApi}, {@code GenerateApi}, {@code FilesApi}).
 * Request validation is in {@code RequestValidator} (response schemas in {@code ResponseSchema}), the text token
 * rules in {@code Tokenizer}, the media token rules and the file store in {@code FilesApi}, rate limits and 429
 * bodies in {@code QuotaLimiter}, the error envelope in {@code ApiError}.
 */
package io.geminidigest.testing;
