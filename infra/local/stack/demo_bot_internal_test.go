package stack

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestDemoThanksSaysAHeadlessBrowserIsABot: a newcomer trying the demo
// with `chromium --headless` or Playwright as it comes (HeadlessChrome in
// its user agent) sent the form, followed the thanks page's link to "your
// page in the Baton workspace" and found no one: its events are stored
// flagged as a bot's. The thanks page says so, naming the user agent; an
// ordinary browser's thanks page says nothing of it.
func TestDemoThanksSaysAHeadlessBrowserIsABot(t *testing.T) {
	for ua, bot := range map[string]bool{
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36":   true,
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36": false,
	} {
		r := httptest.NewRequest("GET", "/demo/thanks.html", nil)
		r.Header.Set("User-Agent", ua)
		r.AddCookie(&http.Cookie{Name: demoEmailCookie, Value: "you@example.com"})
		w := httptest.NewRecorder()
		demoThanks(w, r)
		body := w.Body.String()
		if w.Code != 200 || !strings.Contains(body, `href="../admin/people?email=you%40example.com"`) {
			t.Fatalf("%s: %d %s", ua, w.Code, body)
		}
		said := strings.Contains(body, `id="bot"`) && strings.Contains(body, "HeadlessChrome/131") && strings.Contains(body, "identified no one")
		if said != bot {
			t.Errorf("%s: the page says it is a bot's: %v, want %v\n%s", ua, said, bot, body)
		}
	}
}
