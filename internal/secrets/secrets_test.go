package secrets

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// fake is a Secrets Manager holding one secret string, counting reads.
type fake struct {
	mu    sync.Mutex
	id    string
	value *string
	err   error
	calls int
}

func (f *fake) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	if aws.ToString(in.SecretId) != f.id {
		return nil, errors.New("ResourceNotFoundException")
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: f.value}, nil
}

const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"

// TestOverlayReadsOnce: the secret's values come over the environment, the
// rest of the environment shows through, and however many variables are
// read (concurrently too), the secret is fetched once.
func TestOverlayReadsOnce(t *testing.T) {
	f := &fake{id: "baton/secrets", value: aws.String(`{
		"BATON_ADMIN_TOKEN": "admin-token-from-the-secret",
		"BATON_SALESFORCE_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
		"BATON_HUBSPOT_TOKEN": ""
	}`)}
	env := map[string]string{"BATON_ADMIN_TOKEN": "from-the-environment", "BATON_TABLE": "baton", "BATON_HUBSPOT_TOKEN": "env-hubspot"}
	st := &Store{Client: f, SecretID: "baton/secrets"}
	getenv, err := st.Getenv(context.Background(), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for _, k := range append([]string{"BATON_TABLE"}, Names...) {
				getenv(k)
			}
			if _, err := st.Values(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if f.calls != 1 {
		t.Errorf("GetSecretValue called %d times, want once", f.calls)
	}
	for k, want := range map[string]string{
		"BATON_ADMIN_TOKEN":            "admin-token-from-the-secret", // the secret wins
		"BATON_SALESFORCE_PRIVATE_KEY": pem,                           // newlines kept
		"BATON_TABLE":                  "baton",                       // not a secret: the environment
		"BATON_HUBSPOT_TOKEN":          "env-hubspot",                 // empty in the secret: absent
		"BATON_WRITE_KEY":              "",
	} {
		if got := getenv(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

// TestFailedReadIsRetried: a failed read stops start-up with the secret's
// name and is not cached.
func TestFailedReadIsRetried(t *testing.T) {
	f := &fake{id: "baton/secrets", err: errors.New("AccessDeniedException: not authorized")}
	st := &Store{Client: f, SecretID: "baton/secrets"}
	if _, err := st.Getenv(context.Background(), func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "baton/secrets") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("err = %v", err)
	}
	f.err, f.value = nil, aws.String(`{"BATON_ADMIN_TOKEN": "admin-token-from-the-secret"}`)
	v, err := st.Values(context.Background())
	if err != nil || v["BATON_ADMIN_TOKEN"] != "admin-token-from-the-secret" || f.calls != 2 {
		t.Fatalf("after recovery: %v %v, %d calls", v, err, f.calls)
	}
}

// TestBadSecrets: a secret that is not a JSON object of known string keys
// is refused with a message that says what is expected.
func TestBadSecrets(t *testing.T) {
	for _, c := range []struct {
		value *string
		want  string
	}{
		{nil, "no string value"},
		{aws.String(`admin=1`), "JSON object"},
		{aws.String(`null`), "JSON object"},
		{aws.String(`["BATON_ADMIN_TOKEN"]`), "JSON object"},
		{aws.String(`{"BATON_ADMIN_TOKEN": 12345678901234567}`), "BATON_ADMIN_TOKEN: want a JSON string"},
		{aws.String(`{"link_keys": "k1:abc", "BATON_ADMIN_TOKN": "x"}`), "unknown keys BATON_ADMIN_TOKN, link_keys"},
	} {
		st := &Store{Client: &fake{id: "s", value: c.value}, SecretID: "s"}
		if _, err := st.Values(context.Background()); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", aws.ToString(c.value), err, c.want)
		}
	}
}

// TestCheckKeyRegion: a SecretKmsKeyArn of another region than the
// stack's is said, naming the parameter and both regions; the key of the
// stack's region, or none, passes.
func TestCheckKeyRegion(t *testing.T) {
	const tokyo = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	for _, c := range []struct {
		arn, region string
		want        []string // nil: no error
	}{
		{"", "ap-northeast-1", nil},
		{tokyo, "ap-northeast-1", nil},
		{tokyo, "", nil},
		{"arn:aws-cn:kms:cn-north-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab", "cn-north-1", nil},
		{tokyo, "us-east-1", []string{"SecretKmsKeyArn", "ap-northeast-1", "us-east-1"}},
		{"arn:aws:kms:us-west-2:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab", "ap-northeast-1", []string{"SecretKmsKeyArn", "us-west-2", "ap-northeast-1"}},
		{"alias/baton", "ap-northeast-1", []string{"SecretKmsKeyArn", "alias/baton"}},
	} {
		err := CheckKeyRegion(c.arn, c.region)
		if (err != nil) != (c.want != nil) {
			t.Errorf("%q in %q: %v, want an error %v", c.arn, c.region, err, c.want != nil)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q in %q: %v, want it to name %s", c.arn, c.region, err, w)
			}
		}
	}
}
