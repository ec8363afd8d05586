package server

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/officeapi"
)

// MountPushForTest mounts the office device endpoints on r (tests sign no
// office user in for these).
func (s *Server) MountPushForTest(r gin.IRouter) { s.mountPush(r) }

// CheckSilentForTest runs one silent-phone check at now.
func (s *Server) CheckSilentForTest(ctx context.Context, now time.Time) error {
	wh, err := config.ParseWorkingHours(s.cfg.WorkingHours)
	if err != nil {
		return err
	}
	s.checkSilent(ctx, wh, now)
	return nil
}

// SubscribeLiveForTest subscribes to the office live feed.
func (s *Server) SubscribeLiveForTest() (<-chan officeapi.LiveEvent, func()) {
	return s.live.Subscribe()
}
