package deploy

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/app/sales"
	"github.com/baton-hq/baton/internal/app/web"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
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

// TestOriginRequiredAsDeployed: with EnableWaf the template sets
// BATON_REQUIRE_ORIGIN, and every route of every function then refuses,
// through the Lambda adapter, a request without the origin secret CloudFront
// sends: 403 saying to send to the site's domain, as a client calling API
// Gateway's own address (which stays open, CloudFront's origin) would
// otherwise bypass the WAF's per-IP rate rule (collect, click, admin
// sign-in, feedback). Only GET /healthz stays open. With the secret every
// route is served; without the WAF nothing is refused. The routes are the
// template's HttpApi events, so a route added there is walked too.
func TestOriginRequiredAsDeployed(t *testing.T) {
	n := get(loadOps(t).doc, "Globals", "Function", "Environment", "Variables", "BATON_REQUIRE_ORIGIN")
	if n == nil || n.Tag != "!If" || len(n.Content) != 3 || n.Content[0].Value != "RequireOrigin" || n.Content[1].Value != "true" || n.Content[2].Value != "false" {
		t.Fatalf(`BATON_REQUIRE_ORIGIN is not !If [RequireOrigin, "true", "false"] in the template's Globals`)
	}
	withWaf, without := n.Content[1].Value, n.Content[2].Value
	tpl := load(t)
	// How each function serves its routes (functions/<name>/main.go).
	handlers := map[string]func(*app.App) (http.Handler, error){
		"collect":  func(a *app.App) (http.Handler, error) { return web.CollectHandler(a.Core) },
		"click":    func(a *app.App) (http.Handler, error) { return web.ClickHandler(a.Core) },
		"feedback": func(a *app.App) (http.Handler, error) { return sales.Handler(a.Core) },
		"admin":    func(a *app.App) (http.Handler, error) { return a.AdminHandler(), nil },
	}
	routed := 0
	for _, fn := range tpl.Names() {
		if len(tpl.Functions[fn].Routes) > 0 && handlers[fn] == nil {
			t.Errorf("%s serves %v: add how it builds its handler here", fn, tpl.Functions[fn].Routes)
		}
		routed += len(tpl.Functions[fn].Routes)
	}
	if routed < 15 {
		t.Fatalf("%d HttpApi routes in the template", routed)
	}

	const secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	for _, c := range []struct {
		name, require, base string
	}{
		{"EnableWaf", withWaf, ""},
		{"EnableWaf, BasePath", withWaf, "/_bt"},
		{"no WAF", without, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := lambdatest.NewApp(t, "BATON_REQUIRE_ORIGIN", c.require, "BATON_TRUST_PROXY", "2", "BATON_ORIGIN_SECRET", secret, "BATON_BASE_PATH", c.base)
			required := c.require == "true"
			for _, fn := range tpl.Names() {
				if len(tpl.Functions[fn].Routes) == 0 {
					continue
				}
				h, err := handlers[fn](a)
				if err != nil {
					t.Fatalf("%s: %v", fn, err)
				}
				var reqs []Route
				for _, r := range tpl.Functions[fn].Routes {
					reqs = append(reqs, r.Requests()...)
				}
				reqs = append(reqs, Route{"GET", "/nowhere"}) // no route: refused all the same
				for _, r := range reqs {
					health := r.Method == "GET" && r.Path == "/healthz"
					for _, o := range []struct {
						name, header string
						refused      bool
					}{
						{"no secret", "", required && !health},
						{"a guessed secret", "guess-" + secret, required && !health},
						{"the secret", secret, false},
					} {
						var ev events.APIGatewayV2HTTPRequest
						ev.RawPath = c.base + r.Path
						ev.RequestContext.HTTP.Method = r.Method
						ev.RequestContext.HTTP.Path = ev.RawPath
						ev.RequestContext.HTTP.SourceIP = "198.51.100.23"
						ev.Headers = map[string]string{"host": "abc123.execute-api.us-east-1.amazonaws.com", "content-type": "application/json"}
						if r.Method == "POST" {
							ev.Body = "{}"
						}
						if o.header != "" {
							ev.Headers[strings.ToLower(httpx.OriginHeader)] = o.header
						}
						resp, err := lambdahttp.Adapter{Handler: h}.Handle(context.Background(), ev)
						if err != nil {
							t.Fatalf("%s: %s %s: %v", fn, r.Method, ev.RawPath, err)
						}
						var body httpx.ErrorBody
						json.Unmarshal([]byte(resp.Body), &body)
						refused := resp.StatusCode == http.StatusForbidden && body.Error == httpx.OriginRequired
						if refused != o.refused {
							t.Errorf("%s: %s %s, %s: %d %.200s; want refused %v", fn, r.Method, ev.RawPath, o.name, resp.StatusCode, resp.Body, o.refused)
						}
						if health && resp.StatusCode != http.StatusOK && fn == "collect" {
							t.Errorf("%s: GET %s, %s: %d, want 200", fn, ev.RawPath, o.name, resp.StatusCode)
						}
					}
				}
			}
		})
	}
}
