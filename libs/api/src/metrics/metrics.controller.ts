import { Controller, Get, Header, Inject } from '@nestjs/common';
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
  async scrape(): Promise<string> {
    const extra = this.options.metricsRegistries ?? [];
    if (extra.length === 0) return this.metrics.registry.metrics();
    return Registry.merge([this.metrics.registry, ...extra]).metrics();
  }
}
