package io.geminidigest.app; public class GeminiDigest { public static void main(String[] a){} }
