// The simulator's control plane: every controller reacts to store changes and simulated time.
import type { SimContext } from '../context.js';
import { startDeploymentController } from './deployment.js';
import { startGarbageCollector } from './garbage-collector.js';
import { startHpaController } from './hpa.js';
import { startKubelet } from './kubelet.js';
import { startMetricsServer } from './metrics.js';
import { startReplicaSetController } from './replicaset.js';
import { startScheduler } from './scheduler.js';

export interface Controllers {
  stop(): void;
}

export function startControllers(ctx: SimContext): Controllers {
  const kubelet = startKubelet(ctx);
  const stops = [
    startDeploymentController(ctx),
    startReplicaSetController(ctx),
    startGarbageCollector(ctx),
    startScheduler(ctx),
    startMetricsServer(ctx, kubelet),
    startHpaController(ctx),
    () => kubelet.stop(),
  ];
  return {
    stop() {
      for (const stop of stops) stop();
    },
  };
}
