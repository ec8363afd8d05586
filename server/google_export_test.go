package server

import "github.com/gin-gonic/gin"

// MountGoogle exposes mountGoogle to the external tests (the lead mounts
// it on the office-authenticated group).
func (s *Server) MountGoogle(r gin.IRouter) { s.mountGoogle(r) }
