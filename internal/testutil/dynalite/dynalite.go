// Package dynalite runs dynalite, a DynamoDB-API server on Node.js, for tests:
// DynamoDB code is tested against it on loopback, with fake credentials, so no
// test ever touches AWS.
//
// dynalite is pinned in infra/dynalite/package-lock.json; install it with
//
//	npm ci --prefix infra/dynalite
//
// (make deps does). Without it, tests that need it are skipped, or fail when
// CI=true.
//
// dynalite implements neither TTL nor transactions. Expired items are
// filtered by dynamotable itself. For transactions, the tables of NewTable
// talk to dynalite through a proxy that implements TransactWriteItems (Put
// and Delete parts, with their conditions evaluated by dynalite, all or
// nothing, transactions serialized), so tests exercise dynamotable's real
// transaction code. Against a bare dynalite (Start, Shared), dynamotable
// falls back to its own emulation (see its package comment).
package dynalite

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/baton-hq/baton/internal/table/dynamotable"
)

// Region is the region the clients of NewTable and Client use.
const Region = "us-east-1"

const installHint = "run `npm ci --prefix infra/dynalite` (or `make deps`) to install it"

// wrapper runs dynalite's CLI and exits when its stdin closes, so a server
// is never left behind by a test binary that dies, nor by the shared server
// of NewTable, which lives as long as the test binary.
const wrapper = `process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
require(process.argv[1]);`

// server is one running dynalite.
type server struct {
	endpoint string
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	exited   chan struct{}
}

func (s *server) stop() {
	s.stdin.Close()
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// unavailable skips the test, or fails it on CI, when dynalite cannot run.
func unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("dynalite: %s; %s", msg, installHint)
	}
	t.Skipf("dynalite: %s; %s", msg, installHint)
}

// find returns the node executable and the dynalite CLI, or why not.
func find() (node, bin, missing string, err error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", "", "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", "", errors.New("dynalite: no go.mod above the working directory")
		}
		dir = parent
	}
	bin = filepath.Join(dir, "infra", "dynalite", "node_modules", ".bin", "dynalite")
	if _, err := os.Stat(bin); err != nil {
		return "", "", bin + " is missing", nil
	}
	node, err = exec.LookPath("node")
	if err != nil {
		return "", "", "node is not on PATH", nil
	}
	return node, bin, "", nil
}

// Start starts a dynalite of its own for this test, in memory on a free
// loopback port, and returns its endpoint (http://127.0.0.1:PORT). The
// server is stopped when the test ends.
func Start(t testing.TB) string {
	t.Helper()
	node, bin, missing, err := find()
	if err != nil {
		t.Fatal(err)
	}
	if missing != "" {
		unavailable(t, missing)
	}
	s, err := start(node, bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	return s.endpoint
}

func start(node, bin string) (*server, error) {
	var err error
	for range 5 { // the free port may be taken before dynalite binds it
		var s *server
		if s, err = startOnce(node, bin); err == nil {
			return s, nil
		}
	}
	return nil, err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func startOnce(node, bin string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(node, "-e", wrapper, bin,
		"--host", "127.0.0.1", "--port", strconv.Itoa(port),
		"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr := &lockedWriter{w: new(strings.Builder)}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("dynalite: start: %w", err)
	}
	s := &server{endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, stdin: stdin, exited: make(chan struct{})}
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		once := sync.Once{}
		for sc.Scan() {
			if strings.Contains(sc.Text(), "listening") {
				once.Do(func() { close(listening) })
			}
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		close(s.exited)
	}()
	select {
	case <-listening:
	case <-s.exited:
		return nil, fmt.Errorf("dynalite exited before listening on port %d: %s", port, stderr.String())
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, errors.New("dynalite: not listening after 30s")
	}
	if err := waitHealthy(s.endpoint); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// waitHealthy waits until the server answers its health check.
func waitHealthy(endpoint string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(endpoint + "/")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.HasPrefix(string(body), "healthy") {
				return nil
			}
			err = fmt.Errorf("status %s: %q", resp.Status, body)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dynalite at %s does not answer: %w", endpoint, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w.Len() > 64<<10 {
		return len(p), nil
	}
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}

var shared struct {
	once     sync.Once
	endpoint string // dynalite
	proxy    string // the transaction proxy in front of it
	missing  string
	err      error
	tables   atomic.Int64
}

// Shared returns the endpoint of the dynalite shared by every test of this
// test binary, starting it on first use. It lives until the binary exits.
func Shared(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() {
		node, bin, missing, err := find()
		if err != nil || missing != "" {
			shared.missing, shared.err = missing, err
			return
		}
		s, err := start(node, bin)
		if err != nil {
			shared.err = err
			return
		}
		shared.endpoint = s.endpoint
		shared.proxy, shared.err = startTxProxy(s.endpoint)
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	if shared.missing != "" {
		unavailable(t, shared.missing)
	}
	return shared.endpoint
}

// Client returns a DynamoDB client for endpoint, with static fake
// credentials and region us-east-1, and the SDK's default retryer.
func Client(endpoint string, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDDYNALITE", "dynalite-secret", ""),
		BaseEndpoint: &endpoint,
	}, optFns...)
}

// NewTable creates a new, empty, uniquely named table on the shared dynalite
// and returns it, talking to dynalite through the transaction proxy; the
// table is deleted when the test ends.
func NewTable(t testing.TB) *dynamotable.Table {
	t.Helper()
	Shared(t)
	endpoint := shared.proxy
	name := fmt.Sprintf("baton-test-%d-%d", os.Getpid(), shared.tables.Add(1))
	tb := dynamotable.New(Client(endpoint), name)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tb.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		tb.Client().DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name})
	})
	return tb
}

// ---- TransactWriteItems for dynalite ----

// txProxy forwards every request to dynalite except TransactWriteItems,
// which it performs itself as PutItem and DeleteItem requests (conditions
// included), undoing the applied ones when one fails, and answering like
// DynamoDB (TransactionCanceledException with CancellationReasons).
// Transactions are serialized with one another; single-item writes are not
// held back by them, so a reader may see a transaction half applied (which
// DynamoDB never shows), a weakness only for tests of isolation.
type txProxy struct {
	target string
	rp     *httputil.ReverseProxy
	mu     sync.Mutex
}

func startTxProxy(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	p := &txProxy{target: endpoint, rp: httputil.NewSingleHostReverseProxy(u)}
	go http.Serve(l, p) // lives as long as the test binary, like the shared dynalite
	return "http://" + l.Addr().String(), nil
}

func (p *txProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	api, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	if op != "TransactWriteItems" {
		p.rp.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	status, resp := p.transact(r, api, body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(resp)), 10))
	w.WriteHeader(status)
	w.Write(resp)
}

type dynaError struct {
	Type    string `json:"__type"`
	Message string `json:"message,omitempty"`
}

func errorBody(typ, msg string) []byte {
	b, _ := json.Marshal(dynaError{Type: "com.amazonaws.dynamodb.v20120810#" + typ, Message: msg})
	return b
}

// call sends one operation to dynalite with the original request's
// authorization (dynalite checks its form, not its signature).
func (p *txProxy) call(orig *http.Request, api, op string, in any) (int, []byte, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(context.WithoutCancel(orig.Context()), http.MethodPost, p.target+"/", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token"} {
		if v := orig.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", api+"."+op)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

type reason struct {
	Code    string `json:"Code"`
	Message string `json:"Message,omitempty"`
}

func (p *txProxy) transact(r *http.Request, api string, body []byte) (int, []byte) {
	var in struct {
		TransactItems []map[string]map[string]any
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return http.StatusBadRequest, errorBody("SerializationException", err.Error())
	}
	type applied struct {
		table string
		key   map[string]any
		old   map[string]any
	}
	var done []applied
	rollback := func() error {
		var errs []error
		for i := len(done) - 1; i >= 0; i-- {
			a := done[i]
			op, in := "DeleteItem", map[string]any{"TableName": a.table, "Key": a.key}
			if a.old != nil {
				op, in = "PutItem", map[string]any{"TableName": a.table, "Item": a.old}
			}
			if status, out, err := p.call(r, api, op, in); err != nil || status != http.StatusOK {
				errs = append(errs, fmt.Errorf("undo %s: %d %s %v", op, status, out, err))
			}
		}
		return errors.Join(errs...)
	}
	reasons := make([]reason, len(in.TransactItems))
	for i := range reasons {
		reasons[i].Code = "None"
	}
	for i, ti := range in.TransactItems {
		var op string
		var req map[string]any
		var key map[string]any
		if put, ok := ti["Put"]; ok && len(ti) == 1 {
			op, req = "PutItem", put
			item, _ := put["Item"].(map[string]any)
			key = map[string]any{"PK": item["PK"], "SK": item["SK"]}
		} else if del, ok := ti["Delete"]; ok && len(ti) == 1 {
			op, req = "DeleteItem", del
			key, _ = del["Key"].(map[string]any)
		} else if up, ok := ti["Update"]; ok && len(ti) == 1 {
			op, req = "UpdateItem", up
			key, _ = up["Key"].(map[string]any)
		} else {
			rollback()
			return http.StatusBadRequest, errorBody("ValidationException", "the dynalite test proxy supports Put, Delete and Update in TransactWriteItems")
		}
		req["ReturnValues"] = "ALL_OLD"
		status, out, err := p.call(r, api, op, req)
		if err != nil {
			rollback()
			return http.StatusInternalServerError, errorBody("InternalServerError", err.Error())
		}
		if status == http.StatusOK {
			var res struct{ Attributes map[string]any }
			json.Unmarshal(out, &res)
			table, _ := req["TableName"].(string)
			done = append(done, applied{table: table, key: key, old: res.Attributes})
			continue
		}
		var de dynaError
		json.Unmarshal(out, &de)
		if err := rollback(); err != nil {
			return http.StatusInternalServerError, errorBody("InternalServerError", err.Error())
		}
		if !strings.HasSuffix(de.Type, "#ConditionalCheckFailedException") {
			return status, out // validation and other errors, as dynalite gave them
		}
		reasons[i] = reason{Code: "ConditionalCheckFailed", Message: "The conditional request failed"}
		codes := make([]string, len(reasons))
		for j, r := range reasons {
			codes[j] = r.Code
		}
		b, _ := json.Marshal(struct {
			Type    string `json:"__type"`
			Message string
			Reasons []reason `json:"CancellationReasons"`
		}{
			Type:    "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
			Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]",
			Reasons: reasons,
		})
		return http.StatusBadRequest, b
	}
	return http.StatusOK, []byte("{}")
}
