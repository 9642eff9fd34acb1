package core

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/secrets"
)

// TestStartUpSaysTheKeyIsInAnotherRegion: a stack deployed with a
// SecretKmsKeyArn of another region deployed fine (CloudFormation cannot
// split an ARN) and every function then failed at start-up on Secrets
// Manager's "Access to KMS is not allowed". Start-up now says, before any
// AWS call, which parameter and which two regions.
func TestStartUpSaysTheKeyIsInAnotherRegion(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(secrets.Variable, "baton/secrets")
	t.Setenv(secrets.KeyVariable, "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	t.Setenv("AWS_REGION", "ap-northeast-1")
	// Were Secrets Manager called, it would fail at once, on nothing.
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	_, err := Getenv(t.Context())
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Setting != secrets.KeyVariable {
		t.Fatalf("start-up: %v, want a config error on %s", err, secrets.KeyVariable)
	}
	for _, w := range []string{"SecretKmsKeyArn", "us-east-1", "ap-northeast-1"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("start-up: %v, want it to name %s", err, w)
		}
	}
}
