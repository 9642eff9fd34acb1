package deploy

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/lambdahttp"
)

// originSecretRef is how the template's distribution names the origin
// secret: the functions' own secret's key, resolved at deploy time (the
// one dynamic reference TestEnvironment allows).
const originSecretRef = "{{resolve:secretsmanager:${SecretsName}:SecretString:BATON_ORIGIN_SECRET}}"

// TestClientIPAsDeployed: the client address each function reads with the
// BATON_TRUST_PROXY the template sets. API Gateway appends the address that
// connected to it to X-Forwarded-For (requestContext's sourceIp), so behind
// the template's CloudFront the function sees "<viewer>, <edge>": the
// template set one trusted proxy, and every visitor, click and audit entry
// had CloudFront's edge address (scanner networks never matched). Without
// CloudFront, the address that connected is the client, whatever the
// client wrote in the header itself.
//
// Behind CloudFront, API Gateway's own address stays open: a client
// calling it directly, writing "<any address>" in X-Forwarded-For, was
// read two entries from the right, the address it chose (rate limits,
// scanner networks, audit entries, geo). The second entry from the right
// is believed only from a request with the origin secret, which the
// template's distribution sends (X-Baton-Origin-Secret) and the functions
// read from their secret (BATON_ORIGIN_SECRET); the header never reaches
// a handler.
func TestClientIPAsDeployed(t *testing.T) {
	tpl := loadOps(t).doc
	n := get(tpl, "Globals", "Function", "Environment", "Variables", "BATON_TRUST_PROXY")
	if n == nil || n.Tag != "!If" || len(n.Content) != 3 || n.Content[0].Value != "BehindCloudFront" {
		t.Fatalf("BATON_TRUST_PROXY is not !If [BehindCloudFront, ..., ...] in the template's Globals")
	}
	// The distribution's one origin sends the secret.
	origins := get(tpl, "Resources", "Distribution", "Properties", "DistributionConfig", "Origins")
	if origins == nil || len(origins.Content) != 1 {
		t.Fatalf("the distribution has no one origin")
	}
	hs := get(origins.Content[0], "OriginCustomHeaders")
	if hs == nil || len(hs.Content) != 1 || get(hs.Content[0], "HeaderName").Value != httpx.OriginHeader ||
		get(hs.Content[0], "HeaderValue").Tag != "!Sub" || get(hs.Content[0], "HeaderValue").Value != originSecretRef {
		t.Fatalf("the distribution's origin does not send %s: %s", httpx.OriginHeader, originSecretRef)
	}

	const secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	const viewer, edge, direct, spoofed = "40.94.12.34", "130.176.88.10", "198.51.100.23", "10.9.9.9"
	behind, alone := n.Content[1].Value, n.Content[2].Value
	for _, c := range []struct {
		name, trust, xff, source, origin, want string
	}{
		{"behind CloudFront", behind, spoofed + ", " + viewer + ", " + edge, edge, secret, viewer},
		{"behind CloudFront, called directly", behind, spoofed + ", " + direct, direct, "", direct},
		{"behind CloudFront, called directly with a guessed secret", behind, spoofed + ", " + direct, direct, "guess", direct},
		{"API Gateway alone", alone, spoofed + ", " + viewer, viewer, "", viewer},
	} {
		// The configuration as a function builds it on AWS: the secret
		// holds BATON_ORIGIN_SECRET.
		cfg, err := config.FromEnv(func(k string) string {
			return map[string]string{"BATON_TRUST_PROXY": c.trust, "BATON_ORIGIN_SECRET": secret,
				"BATON_ADMIN_TOKEN": strings.Repeat("a", 32), "BATON_STORE": "dynamodb", "BATON_TABLE": "t"}[k]
		}, config.Deployed)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var ev events.APIGatewayV2HTTPRequest
		ev.RawPath = "/e"
		ev.RequestContext.HTTP.Method = "POST"
		ev.RequestContext.HTTP.SourceIP = c.source
		ev.Headers = map[string]string{"host": "abc123.execute-api.ap-northeast-1.amazonaws.com", "x-forwarded-for": c.xff}
		if c.origin != "" {
			ev.Headers[strings.ToLower(httpx.OriginHeader)] = c.origin
		}
		r, err := lambdahttp.Request(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		if got := httpx.ClientIP(r, cfg.TrustProxy); got.String() != c.want {
			t.Errorf("%s (BATON_TRUST_PROXY %q): client read as %s, want %s", c.name, c.trust, got, c.want)
		}
		if _, ok := r.Header[http.CanonicalHeaderKey(httpx.OriginHeader)]; ok {
			t.Errorf("%s: the handler sees %s", c.name, httpx.OriginHeader)
		}
	}
}
