import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { API_OPTIONS, type ApiModuleOptions } from '../api.options';
import { Public } from '../auth/auth.decorators';
import { MetricsService } from './metrics.service';

/** Served at `/metrics` (outside the `/api` prefix), for Prometheus. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(API_OPTIONS) private readonly options: ApiModuleOptions,
  ) {}

  @Get()
  @Public()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    // Prometheus's text format, not Nest's default text/html for a string (D4).
    res.type(this.metrics.registry.contentType);
    const extra = this.options.metricsRegistries ?? [];
    if (extra.length === 0) return this.metrics.registry.metrics();
    return Registry.merge([this.metrics.registry, ...extra]).metrics();
  }
}
