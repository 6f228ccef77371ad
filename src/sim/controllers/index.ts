// The simulator's control plane: every controller reacts to store changes and simulated time.
import type { SimContext } from '../context.js';
import { startCronJobController } from './cronjob.js';
import { startDaemonSetController } from './daemonset.js';
import { startDeploymentController } from './deployment.js';
import { startDisruptionController } from './disruption.js';
import { startEndpointsController } from './endpoints.js';
import { startGarbageCollector } from './garbage-collector.js';
import { startHpaController } from './hpa.js';
import { startJobController } from './job.js';
import { startKubelet } from './kubelet.js';
import { startMetricsServer } from './metrics.js';
import { startNodeLifecycleController } from './node-lifecycle.js';
import { startReplicaSetController } from './replicaset.js';
import { startScheduler } from './scheduler.js';
import { startStatefulSetController } from './statefulset.js';
import { startVolumeController } from './volumes.js';

export interface Controllers {
  stop(): void;
}

export function startControllers(ctx: SimContext): Controllers {
  const kubelet = startKubelet(ctx);
  const stops = [
    startDeploymentController(ctx),
    startReplicaSetController(ctx),
    startStatefulSetController(ctx),
    startDaemonSetController(ctx),
    startJobController(ctx),
    startCronJobController(ctx),
    startEndpointsController(ctx),
    startDisruptionController(ctx),
    startVolumeController(ctx),
    startNodeLifecycleController(ctx),
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
