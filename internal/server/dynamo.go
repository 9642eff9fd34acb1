package server

import (
	"context"
	"errors"

	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/table"
)

func openDynamo(ctx context.Context, cfg *config.Config) (table.Table, error) {
	return nil, errors.New("config: BATON_STORE=dynamodb: not wired yet")
}
