// Package secrets reads Baton's secrets from one AWS Secrets Manager secret
// at run time, so none is ever in a function's environment (or the
// CloudFormation template): the template passes only the secret's name or
// ARN (BATON_SECRETS_ARN).
//
// The secret's string is a JSON object whose keys are the names of the
// environment variables they stand for (BATON_ADMIN_TOKEN, BATON_LINK_KEYS,
// ...; see Names) and whose values are strings. Store.Getenv puts it over
// the process environment as a getenv function for config.FromEnv.
//
// The secret is read once, when the function starts (a cold start), and
// cached for the life of the process: the configuration is built from it
// once, so a re-read could change nothing. A rotated secret takes effect at
// the next cold start (publish a new version or update the function's
// configuration to force one).
package secrets

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Variable is the environment variable that names the secret (its ARN or
// name); unset, there is no secret and the environment is read as it is.
const Variable = "BATON_SECRETS_ARN"

// KeyVariable is the environment variable that names the customer-managed
// KMS key encrypting the secret (the template's SecretKmsKeyArn), or is
// empty for the AWS managed key.
const KeyVariable = "BATON_SECRETS_KMS_KEY_ARN"

// CheckKeyRegion says what is wrong when keyARN (KeyVariable's value) names
// a key in another region than region (the function's, AWS_REGION; the
// secret is the stack's, in the same). Secrets Manager decrypts a secret
// with a key of its own region only, and CloudFormation cannot compare an
// ARN's region with the stack's: the deploy succeeded, and every function
// then failed at start-up on Secrets Manager's "Access to KMS is not
// allowed", which names neither the parameter nor a region. Empty keyARN
// or region: nothing to check.
func CheckKeyRegion(keyARN, region string) error {
	keyARN, region = strings.TrimSpace(keyARN), strings.TrimSpace(region)
	if keyARN == "" || region == "" {
		return nil
	}
	parts := strings.SplitN(keyARN, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "kms" {
		return fmt.Errorf("SecretKmsKeyArn %q is not a KMS key ARN (arn:aws:kms:%s:<account>:key/<id>)", keyARN, region)
	}
	if parts[3] != region {
		return fmt.Errorf("SecretKmsKeyArn names a KMS key in %s, but the stack and its secret are in %s: Secrets Manager decrypts the secret with a key of the secret's region only; pass the ARN of the key encrypting the secret (in %s), or leave SecretKmsKeyArn empty for the AWS managed key", parts[3], region, region)
	}
	return nil
}

// Names are the keys a secret may hold: the variables of Baton's secrets.
var Names = []string{
	"BATON_ADMIN_TOKEN",
	"BATON_WRITE_KEY",
	"BATON_LINK_KEYS",
	"BATON_SALESFORCE_CLIENT_SECRET",
	"BATON_SALESFORCE_PRIVATE_KEY",
	"BATON_HUBSPOT_TOKEN",
	"BATON_KINTONE_API_TOKEN",
	"BATON_FEEDBACK_SECRET",
	"BATON_HUBSPOT_CLIENT_SECRET",
	"BATON_KINTONE_WEBHOOK_TOKEN",
	"BATON_SALESFORCE_OUTBOUND_TOKEN",
	"BATON_WEBHOOK_SECRET",
	"BATON_ORIGIN_SECRET",
	"BATON_ORIGIN_SECRET_PREVIOUS",
}

// Getter is the one Secrets Manager call this package makes
// (*secretsmanager.Client satisfies it).
type Getter interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Store reads one secret and keeps its values.
type Store struct {
	Client   Getter
	SecretID string // ARN or name

	mu     sync.Mutex
	values map[string]string
}

// New returns a Store on a Secrets Manager client built from the default
// AWS configuration (the function's role on Lambda; AWS_ENDPOINT_URL or
// AWS_ENDPOINT_URL_SECRETS_MANAGER point it elsewhere, e.g. at moto).
func New(ctx context.Context, secretID string) (*Store, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("secrets: load AWS config: %w", err)
	}
	return &Store{Client: secretsmanager.NewFromConfig(cfg), SecretID: secretID}, nil
}

// Values returns the secret's values, reading the secret on the first call
// only; a failed read is not cached (the next call tries again).
func (s *Store) Values(ctx context.Context) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.values != nil {
		return s.values, nil
	}
	out, err := s.Client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(s.SecretID)})
	if err != nil {
		return nil, fmt.Errorf("read secret %s: %w", s.SecretID, err)
	}
	if out.SecretString == nil {
		return nil, fmt.Errorf("secret %s has no string value: store a JSON object of %s and the other names", s.SecretID, Names[0])
	}
	v, err := Parse(*out.SecretString)
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", s.SecretID, err)
	}
	s.values = v
	return v, nil
}

// Parse decodes a secret's JSON object strictly: every key must be one of
// Names (a misspelt key would otherwise silently leave its setting unset)
// and every value a string. Empty strings count as absent.
func Parse(data string) (map[string]string, error) {
	var raw map[string]any
	if err := json.Unmarshal([]byte(data), &raw); err != nil || raw == nil {
		return nil, fmt.Errorf("want a JSON object of %s and the other names", Names[0])
	}
	var unknown []string
	out := map[string]string{}
	for k, v := range raw {
		if !slices.Contains(Names, k) {
			unknown = append(unknown, k)
			continue
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s: want a JSON string", k)
		}
		if s != "" {
			out[k] = s
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown keys %s: want the variable names %s", strings.Join(unknown, ", "), strings.Join(Names, ", "))
	}
	return out, nil
}

// Getenv returns getenv with the secret's values over it: a variable the
// secret holds comes from the secret, any other from getenv. It reads the
// secret now, so a missing secret or a denied read stops start-up.
func (s *Store) Getenv(ctx context.Context, getenv func(string) string) (func(string) string, error) {
	v, err := s.Values(ctx)
	if err != nil {
		return nil, err
	}
	return func(k string) string {
		if x, ok := v[k]; ok {
			return x
		}
		return getenv(k)
	}, nil
}
