// Package moto runs moto's server (infra/moto/serve.py: DynamoDB with native
// TransactWriteItems, DynamoDB Streams, SQS, Secrets Manager) for tests, single-threaded on a
// free loopback port, with fake credentials, so no test ever touches AWS.
//
// moto is a Python package (moto[server] 5.2.1; `make deps` installs it with
// pip where it is missing). Without it, tests that need it are skipped, or
// fail when CI=true.
package moto

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// Region is the region every client of this package uses.
const Region = "us-east-1"

const installHint = "install moto's server with `make deps` (pip install 'moto[server]==5.2.1')"

// Server is one running moto server.
type Server struct {
	Endpoint string // http://127.0.0.1:PORT
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	exited   chan struct{}
	stderr   *lockedBuf
}

// Stop ends the server.
func (s *Server) Stop() {
	s.stdin.Close()
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

func unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("moto: %s; %s", msg, installHint)
	}
	t.Skipf("moto: %s; %s", msg, installHint)
}

func python() (string, error) {
	for _, p := range []string{"python3", "python"} {
		if path, err := exec.LookPath(p); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("python3 is not on PATH")
}

// Start starts a moto server of its own for this test and stops it when the
// test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := start(repo.Root(t))
	if err != nil {
		unavailable(t, err.Error())
	}
	t.Cleanup(s.Stop)
	return s
}

func start(root string, env ...string) (*Server, error) {
	py, err := python()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(py, root+"/infra/moto/serve.py")
	cmd.Env = append(append(os.Environ(), "PYTHONUNBUFFERED=1"), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd, stdin: stdin, exited: make(chan struct{}), stderr: &lockedBuf{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", py, err)
	}
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				port <- p
			}
		}
		cmd.Wait()
		close(s.exited)
	}()
	select {
	case p := <-port:
		s.Endpoint = "http://127.0.0.1:" + p
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("moto server exited before listening: %s", s.stderr.String())
	case <-time.After(60 * time.Second):
		s.Stop()
		return nil, fmt.Errorf("moto server not listening after 60s: %s", s.stderr.String())
	}
}

type lockedBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() < 64<<10 {
		l.b.Write(p)
	}
	return len(p), nil
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.b.String()
	if len(s) > 4000 {
		s = s[len(s)-4000:]
	}
	return s
}

var shared struct {
	once   sync.Once
	srv    *Server
	err    error
	tables atomic.Int64
}

// Shared returns the endpoint of the moto server shared by every test of
// this test binary, starting it on first use; it lives until the binary
// exits (its stdin closes then).
func Shared(t testing.TB) string {
	t.Helper()
	root := repo.Root(t)
	shared.once.Do(func() { shared.srv, shared.err = start(root) })
	if shared.err != nil {
		unavailable(t, shared.err.Error())
	}
	return shared.srv.Endpoint
}

// Config is an AWS configuration for the endpoint with fake credentials.
func Config(endpoint string) aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

// DynamoDB returns a DynamoDB client for the endpoint.
func DynamoDB(endpoint string) *dynamodb.Client { return dynamodb.NewFromConfig(Config(endpoint)) }

// Streams returns a DynamoDB Streams client for the endpoint.
func Streams(endpoint string) *dynamodbstreams.Client {
	return dynamodbstreams.NewFromConfig(Config(endpoint))
}

// SQS returns an SQS client for the endpoint.
func SQS(endpoint string) *sqs.Client { return sqs.NewFromConfig(Config(endpoint)) }

// SecretsManager returns a Secrets Manager client for the endpoint.
func SecretsManager(endpoint string) *secretsmanager.Client {
	return secretsmanager.NewFromConfig(Config(endpoint))
}

// TableName returns a table name unique within this test binary.
func TableName() string {
	return fmt.Sprintf("baton-test-%d-%d", os.Getpid(), shared.tables.Add(1))
}

// NewTable creates a fresh table (with its stream and TTL) on the shared
// server and returns it.
func NewTable(t testing.TB, opts ...dynamotable.Option) *dynamotable.Table {
	t.Helper()
	tb := dynamotable.New(DynamoDB(Shared(t)), TableName(), opts...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tb.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	return tb
}
