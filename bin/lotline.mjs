#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so there is no build step to forget on a kiosk PC.
import { register } from 'tsx/esm/api'
register()
await import('../server/cli.ts')
