package proxytest_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/testutil/repo"
)

const (
	basePath = "/_bt"
	// documented is the upstream address docs/proxy's snippets name (Baton's
	// BATON_ADDR beside the web server); the tests put the stack's in its place.
	documented = "127.0.0.1:8080"
	// clientIP is the address the tests' requests come from: not the
	// proxies' own 127.0.0.1, so the stored address tells who reported it.
	clientIP = "127.0.1.7"
	// forged is what a client writes into X-Forwarded-For itself.
	forged = "198.51.100.23"
)

// missing skips the test, or fails it when CI=true (where every tool must
// be installed: .ci/run installs them).
func missing(t *testing.T, what, hint string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s missing (%s): the proxy tests must run in CI", what, hint)
	}
	t.Skipf("%s missing (%s)", what, hint)
}

// program finds the first of names on PATH or in the sbin directories
// (which a non-root user's PATH may lack).
func program(t *testing.T, hint string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
		for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/sbin"} {
			p := filepath.Join(dir, n)
			if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
				return p
			}
		}
	}
	missing(t, strings.Join(names, " or "), hint)
	return ""
}

// freePort returns a loopback port nothing listens on now.
//
// It is taken below the kernel's ephemeral range, from which every
// listener on port 0 (Baton behind the proxy, other packages' tests run
// beside) is given its port: a port found free there could be handed to
// Baton before the proxy bound it, and the proxy, failing to bind, was
// taken for started when Baton answered on its port (CI saw "server gave
// HTTP response to HTTPS client").
func freePort(t *testing.T) int {
	t.Helper()
	low := 32768 // Linux's default ip_local_port_range starts here
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 2048 {
				low = n
			}
		}
	}
	span := min(low-1024, 10000)
	start := mrand.IntN(span)
	for i := range span {
		port := low - 1 - (start+i)%span
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		ln.Close()
		return port
	}
	t.Fatalf("no free port below %d", low)
	return 0
}

// snippet is docs/proxy/<name> as documented, with upstream in place of the
// documented address of Baton.
func snippet(t *testing.T, name, upstream string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo.Root(t), "docs", "proxy", name))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(documented)) {
		t.Fatalf("docs/proxy/%s no longer names Baton at %s", name, documented)
	}
	return strings.ReplaceAll(string(b), documented, upstream)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// serve runs a web server in the foreground until the test ends, and waits
// until it accepts connections on port. Its output and the log files are
// shown when it fails to start, or when the test fails.
func serve(t *testing.T, name string, port int, logs []string, path string, args ...string) {
	t.Helper()
	cmd := exec.Command(path, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	show := func() string {
		var b strings.Builder
		for _, l := range logs {
			if c, err := os.ReadFile(l); err == nil && len(c) > 0 {
				fmt.Fprintf(&b, "\n--- %s\n%s", l, c)
			}
		}
		return b.String()
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("%s output:\n%s%s", name, out.String(), show())
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(15 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		select {
		case <-done:
			t.Fatalf("%s exited before listening on %s: %v\n%s%s", name, addr, waitErr, out.String(), show())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not listening on %s after 15s%s", name, addr, show())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startNginx runs nginx on port with docs/proxy/nginx.conf in its server
// block, proxying to upstream; root, when set, is the site it serves at /.
// One process (master_process off), as the current user, everything in a
// temporary prefix.
func startNginx(t *testing.T, port int, upstream, root string, tf *tlsFiles) {
	t.Helper()
	bin := program(t, "apt-get install nginx", "nginx")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "baton.conf"), snippet(t, "nginx.conf", upstream))
	site, ssl := "", ""
	if root != "" {
		site = fmt.Sprintf("root %q;\n        index index.html;\n", root)
	}
	if tf != nil {
		ssl = " ssl"
		site += fmt.Sprintf("ssl_certificate %q;\n        ssl_certificate_key %q;\n", tf.cert, tf.key)
	}
	write(t, filepath.Join(dir, "nginx.conf"), fmt.Sprintf(`master_process off;
worker_processes 1;
pid %[1]q;
error_log %[2]q warn;
events { worker_connections 256; }
http {
    access_log %[3]q;
    client_body_temp_path %[4]q;
    proxy_temp_path %[5]q;
    fastcgi_temp_path %[6]q;
    uwsgi_temp_path %[7]q;
    scgi_temp_path %[8]q;
    types { text/html html; }
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:%[9]d%[12]s;
        server_name localhost;
        %[10]s
        include %[11]q;
    }
}
`, filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"), filepath.Join(dir, "access.log"),
		filepath.Join(dir, "tmp", "client_body"), filepath.Join(dir, "tmp", "proxy"), filepath.Join(dir, "tmp", "fastcgi"),
		filepath.Join(dir, "tmp", "uwsgi"), filepath.Join(dir, "tmp", "scgi"), port, site, filepath.Join(dir, "baton.conf"), ssl))
	serve(t, "nginx", port, []string{filepath.Join(dir, "error.log")},
		bin, "-p", dir+"/", "-e", filepath.Join(dir, "error.log"), "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off;")
}

// startApache runs Apache httpd on port with docs/proxy/apache.conf in a
// virtual host, proxying to upstream: one process (-X), its own
// configuration loading the modules the snippet needs (Debian's apache2
// builds them as modules), everything in a temporary directory. Run by
// root, httpd refuses to serve as root: it serves as nobody.
func startApache(t *testing.T, port int, upstream string, tf *tlsFiles) {
	t.Helper()
	bin := program(t, "apt-get install apache2", "apache2", "httpd")
	var mods string
	for _, d := range []string{"/usr/lib/apache2/modules", "/usr/lib64/httpd/modules", "/usr/lib/httpd/modules", "/usr/libexec/apache2"} {
		if _, err := os.Stat(filepath.Join(d, "mod_proxy_http.so")); err == nil {
			mods = d
			break
		}
	}
	if mods == "" {
		missing(t, "mod_proxy_http.so", "apt-get install apache2")
	}
	compiled, _ := exec.Command(bin, "-l").Output()
	var conf strings.Builder
	load := func(module, file string) {
		if !bytes.Contains(compiled, []byte(strings.TrimSuffix(file, ".so")+".c")) {
			fmt.Fprintf(&conf, "LoadModule %s %q\n", module, filepath.Join(mods, file))
		}
	}
	if !bytes.Contains(compiled, []byte("prefork.c")) && !bytes.Contains(compiled, []byte("event.c")) && !bytes.Contains(compiled, []byte("worker.c")) {
		load("mpm_event_module", "mod_mpm_event.so")
	}
	load("authz_core_module", "mod_authz_core.so")
	load("unixd_module", "mod_unixd.so")
	load("proxy_module", "mod_proxy.so")
	load("proxy_http_module", "mod_proxy_http.so")
	load("headers_module", "mod_headers.so")
	load("env_module", "mod_env.so")
	ssl := ""
	if tf != nil {
		if _, err := os.Stat(filepath.Join(mods, "mod_ssl.so")); err != nil && !bytes.Contains(compiled, []byte("mod_ssl.c")) {
			missing(t, "mod_ssl.so", "apt-get install apache2")
		}
		load("ssl_module", "mod_ssl.so")
		ssl = fmt.Sprintf("    SSLEngine on\n    SSLCertificateFile %q\n    SSLCertificateKeyFile %q\n", tf.cert, tf.key)
	}

	dir := t.TempDir()
	if os.Geteuid() == 0 {
		group := "nogroup"
		if _, err := user.LookupGroup(group); err != nil {
			group = "nobody"
		}
		fmt.Fprintf(&conf, "User nobody\nGroup %s\n", group)
		// nobody reads nothing here, but must reach the runtime directory.
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	run := filepath.Join(dir, "run")
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "baton.conf"), snippet(t, "apache.conf", upstream))
	fmt.Fprintf(&conf, `ServerRoot %[1]q
ServerName 127.0.0.1
Listen 127.0.0.1:%[2]d
PidFile %[3]q
DefaultRuntimeDir %[4]q
ErrorLog %[5]q
LogLevel warn
<VirtualHost 127.0.0.1:%[2]d>
%[7]s    Include %[6]q
</VirtualHost>
`, dir, port, filepath.Join(run, "httpd.pid"), run, filepath.Join(dir, "error.log"), filepath.Join(dir, "baton.conf"), ssl)
	write(t, filepath.Join(dir, "httpd.conf"), conf.String())
	serve(t, "apache", port, []string{filepath.Join(dir, "error.log")}, bin, "-X", "-f", filepath.Join(dir, "httpd.conf"))
}

// proxies are the web servers the tests put in front of Baton, each
// started on port proxying to upstream, terminating TLS when tf is set.
var proxies = []struct {
	name  string
	start func(t *testing.T, port int, upstream string, tf *tlsFiles)
}{
	{"nginx", func(t *testing.T, port int, upstream string, tf *tlsFiles) { startNginx(t, port, upstream, "", tf) }},
	{"apache", startApache},
}

// client makes requests from clientIP, without following redirects and
// without asking for compression unless a test does; roots, when set, are
// the certificates it trusts for https.
func client(jar http.CookieJar, roots ...*x509.Certificate) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(clientIP)}, Timeout: 5 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, DisableCompression: true}
	if len(roots) > 0 {
		pool := x509.NewCertPool()
		for _, c := range roots {
			pool.AddCert(c)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	return &http.Client{
		Transport:     tr,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       15 * time.Second,
	}
}

// tlsFiles are a certificate and its key, PEM files a web server reads.
type tlsFiles struct{ cert, key string }

// selfSigned makes a certificate for 127.0.0.1 and writes it for a web
// server. Its validity spans centuries, so no clock (shifted or not) is
// read and none falls outside it.
func selfSigned(t *testing.T) (*tlsFiles, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2999, 12, 31, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tf := &tlsFiles{cert: filepath.Join(dir, "cert.pem"), key: filepath.Join(dir, "key.pem")}
	write(t, tf.cert, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	write(t, tf.key, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb})))
	return tf, cert
}
