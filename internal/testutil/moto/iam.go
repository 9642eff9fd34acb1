package moto

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/baton-hq/baton/internal/testutil/repo"
)

// IAMServer is a moto server of a test's own that can enforce IAM policies
// as AWS judges them (infra/moto/iam.py says how, and what it does not
// check). Until Enforce, it accepts anything, as Shared's does.
type IAMServer struct {
	*Server
	admin aws.Credentials
}

// StartIAM starts an IAMServer for the test, with an administrator (every
// action on every resource) whose Config the test uses for what is not the
// code under test.
func StartIAM(t testing.TB) *IAMServer {
	t.Helper()
	s, err := start(repo.Root(t), "BATON_MOTO_IAM=1")
	if err != nil {
		unavailable(t, err.Error())
	}
	t.Cleanup(s.Stop)
	srv := &IAMServer{Server: s}
	srv.admin = srv.User(t, "administrator", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`)
	return srv
}

// Admin is an AWS configuration for the server signed by the administrator.
func (s *IAMServer) Admin() aws.Config { return s.Config(s.admin) }

// Administrator is the administrator's access key.
func (s *IAMServer) Administrator() aws.Credentials { return s.admin }

// Config is an AWS configuration for the server signed with creds.
func (s *IAMServer) Config(creds aws.Credentials) aws.Config {
	cfg := Config(s.Endpoint)
	cfg.Credentials = credentials.StaticCredentialsProvider{Value: creds}
	return cfg
}

// User creates an IAM user with policy (a JSON policy document) as its only
// inline policy and returns an access key of it. Call it before Enforce.
func (s *IAMServer) User(t testing.TB, name, policy string) aws.Credentials {
	t.Helper()
	s.iam(t, url.Values{"Action": {"CreateUser"}, "UserName": {name}}, nil)
	s.iam(t, url.Values{"Action": {"PutUserPolicy"}, "UserName": {name}, "PolicyName": {name}, "PolicyDocument": {policy}}, nil)
	var out struct {
		ID     string `xml:"CreateAccessKeyResult>AccessKey>AccessKeyId"`
		Secret string `xml:"CreateAccessKeyResult>AccessKey>SecretAccessKey"`
	}
	s.iam(t, url.Values{"Action": {"CreateAccessKey"}, "UserName": {name}}, &out)
	if out.ID == "" || out.Secret == "" {
		t.Fatalf("moto: CreateAccessKey for %s returned no key", name)
	}
	return aws.Credentials{AccessKeyID: out.ID, SecretAccessKey: out.Secret, Source: "moto IAM user " + name}
}

// iam makes one call of IAM's query API, signed by whoever (moto does not
// check signatures before Enforce, but routes by the signing service).
func (s *IAMServer) iam(t testing.TB, form url.Values, out any) {
	t.Helper()
	form.Set("Version", "2010-05-08")
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, s.Endpoint+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "iam", Region, time.Unix(0, 0) /* unchecked until Enforce */); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("moto: IAM %s: %d %s", form.Get("Action"), resp.StatusCode, b)
	}
	if out != nil {
		if err := xml.Unmarshal(b, out); err != nil {
			t.Fatalf("moto: IAM %s: %v", form.Get("Action"), err)
		}
	}
}

// Enforce makes the server authorize every request from now on: signed by
// a user's key (the administrator's or one of User's), allowed by the
// user's policy.
func (s *IAMServer) Enforce(t testing.TB) {
	t.Helper()
	resp, err := http.Post(s.Endpoint+"/moto-api/reset-auth", "text/plain", strings.NewReader("0"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("moto: reset-auth: %d", resp.StatusCode)
	}
}

// Judgement is one action moto authorized (or denied) for a user, on the
// resource AWS would authorize it on.
type Judgement struct {
	User     string `json:"user"`
	Action   string `json:"action"`
	Resource string `json:"resource"`
	Denied   bool   `json:"denied"`
}

// Judged returns every action judged since Enforce, in order.
func (s *IAMServer) Judged(t testing.TB) []Judgement {
	t.Helper()
	resp, err := http.Get(s.Endpoint + "/_baton/iam")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []Judgement
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("moto: /_baton/iam: %v", err)
	}
	return out
}
