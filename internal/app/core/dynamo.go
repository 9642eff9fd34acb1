package core

import (
	"context"
	"time"

	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
)

// OpenDynamo opens the DynamoDB table. With an explicit endpoint (moto or
// DynamoDB Local) the table is created when absent; on AWS the SAM template
// owns it.
func OpenDynamo(ctx context.Context, cfg *config.Config, now func() time.Time) (table.Table, error) {
	t, err := dynamotable.NewFromEnv(ctx, cfg.Table, cfg.DynamoEndpoint, now)
	if err != nil {
		return nil, &config.Error{Setting: "BATON_TABLE", Problem: err.Error()}
	}
	if cfg.DynamoEndpoint != "" {
		if err := t.CreateTable(ctx); err != nil {
			return nil, &config.Error{Setting: "BATON_DYNAMODB_ENDPOINT", Problem: err.Error()}
		}
	}
	return t, nil
}
