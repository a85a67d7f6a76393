// Package e2e owns the end-to-end tests: they start the real server binary
// (built by `make build`, passed in ERSATZRAUM_BIN), drive teachers and
// students in headless Chromium with fake camera and microphone, and check
// what a person would see. It has no code outside its tests.
package e2e
