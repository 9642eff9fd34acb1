package main

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/config"
)

// TestBannerSaysScoringIsOff: a binary started outside the repository
// finds no rules file and scores nothing; the banner says so and how to
// give one, where only a WARN line among the logs had said it.
func TestBannerSaysScoringIsOff(t *testing.T) {
	var b strings.Builder
	banner(&b, &config.Config{AdminToken: "tok", DataDir: "/tmp/d"}, "http://127.0.0.1:8080")
	if !strings.Contains(b.String(), "scoring is OFF") || !strings.Contains(b.String(), "BATON_RULES") {
		t.Errorf("no rules file, and the banner says:\n%s", b.String())
	}
	b.Reset()
	banner(&b, &config.Config{AdminToken: "tok", DataDir: "/tmp/d", RulesFile: "infra/rules.yaml"}, "http://127.0.0.1:8080")
	if strings.Contains(b.String(), "scoring is OFF") || !strings.Contains(b.String(), "http://127.0.0.1:8080/demo/") {
		t.Errorf("with a rules file, the banner says:\n%s", b.String())
	}
}
