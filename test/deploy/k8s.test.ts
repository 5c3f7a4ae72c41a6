import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

/**
 * deploy/k8s rendered by `kubectl kustomize` (offline: kustomize is built into kubectl; CI installs
 * Debian's kubernetes-client when no kubectl is present), each object checked against the
 * Kubernetes OpenAPI schemas bundled in the `kubernetes-models` package (no network), and against
 * the rules we promise: three replicas, probes, a restricted securityContext, no inline secrets.
 * Without kubectl outside CI, the listed resources are read as they are.
 */
const root = resolve(import.meta.dirname, '..', '..');
const folder = join(root, 'deploy', 'k8s');
type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; [key: string]: unknown };

function kubectl(): string | undefined {
  for (const candidate of [process.env.KUBECTL, 'kubectl'].filter(Boolean) as string[]) {
    try {
      execFileSync(candidate, ['version', '--client'], { stdio: 'ignore' });
      return candidate;
    } catch {}
  }
  return undefined;
}

const binary = kubectl();
if (!binary && process.env.CI === 'true') throw new Error('CI must render deploy/k8s: install kubectl');

function render(): Manifest[] {
  const text = binary
    ? execFileSync(binary, ['kustomize', folder], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    : (parse(readFileSync(join(folder, 'kustomization.yaml'), 'utf8')).resources as string[])
        .map((file) => readFileSync(join(folder, file), 'utf8'))
        .join('\n---\n');
  return parseAllDocuments(text).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS() as Manifest;
  });
}

const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

describe(`deploy/k8s (${binary ? `rendered by ${binary} kustomize` : 'read without kustomize'})`, () => {
  const manifests = render();
  // biome-ignore lint/suspicious/noExplicitAny: the schemas are checked above; here the fields are read one by one.
  const one = (kind: string): any => {
    const found = manifests.filter((m) => m.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0];
  };

  it('holds each object once, and each fits the Kubernetes schema of its kind', () => {
    const kinds = manifests.map((m) => m.kind).sort();
    const expected = ['Deployment', 'Ingress', 'Namespace', 'PodDisruptionBudget', 'Service'];
    expect(kinds.filter((kind) => kind !== 'ConfigMap')).toEqual(expected);
    for (const manifest of manifests) {
      const Model = models[`${manifest.apiVersion}/${manifest.kind}`];
      expect(Model, `${manifest.apiVersion} ${manifest.kind}`).toBeDefined();
      expect(() => new Model!(manifest as never).validate(), manifest.kind).not.toThrow();
    }
  });

  it('runs three replicas with readiness on /readyz, liveness on /healthz, and limits', () => {
    const deployment = one('Deployment');
    expect(deployment.spec.replicas).toBe(3);
    const [container] = deployment.spec.template.spec.containers;
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
  });

  it("runs the image's command, whose heap cap leaves room within the memory limit", () => {
    const [container] = one('Deployment').spec.template.spec.containers;
    // The V8 flags are in the image's CMD: nothing here replaces or adds to them.
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
    expect(container.env.map((e: { name: string }) => e.name)).not.toContain('NODE_OPTIONS');
    const mib = Number(/^(\d+)Mi$/.exec(container.resources.limits.memory)?.[1]);
    const cmd = /^CMD (.+)$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))![1]!;
    const flag = (name: string) => Number(new RegExp(`--${name}=(\\d+)`).exec(cmd)?.[1]);
    // Old space, three semi-spaces (two in use, one for large new objects), and ~100 MB not heap.
    const heap = flag('max-old-space-size') + 3 * flag('max-semi-space-size');
    expect(heap + 100).toBeLessThanOrEqual(mib * 0.8);
  });

  it('runs restricted: not root, read-only root, no capabilities, RuntimeDefault seccomp', () => {
    const pod = one('Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const container of pod.containers) {
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.securityContext.capabilities.add).toBeUndefined();
      expect(container.securityContext.privileged).not.toBe(true);
    }
    expect(one('Namespace').metadata).toMatchObject({
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
    });
  });

  it('takes DATA_KEY, DATABASE_URL and the platform secrets from a Secret, and holds none itself', () => {
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    const [container] = one('Deployment').spec.template.spec.containers;
    const env = new Map<string, { value?: string; valueFrom?: { secretKeyRef?: { name: string } } }>(
      container.env.map((e: { name: string }) => [e.name, e]),
    );
    for (const name of [
      'DATA_KEY',
      'DATABASE_URL',
      'SLACK_SIGNING_SECRET',
      'SLACK_BOT_TOKEN',
      'MicrosoftAppPassword',
      'METRICS_TOKEN',
    ]) {
      expect(env.get(name)?.valueFrom?.secretKeyRef?.name, name).toBe('metbot-secrets');
    }
    // Nothing that looks like a secret is written as a plain value, here or in the ConfigMap.
    const plain = [
      ...[...env].filter(([, e]) => e.value !== undefined).map(([name]) => name),
      ...manifests.filter((m) => m.kind === 'ConfigMap').flatMap((m) => Object.keys(m.data as object)),
    ];
    expect(plain.filter((name) => /KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL/i.test(name))).toEqual([]);
  });

  it('keeps two of three pods through a drain, and routes the Service and Ingress to them', () => {
    const deployment = one('Deployment');
    const labels = deployment.spec.template.metadata.labels;
    const pdb = one('PodDisruptionBudget');
    expect(pdb.spec.minAvailable).toBe(2);
    expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(labels).toMatchObject(one('Service').spec.selector);
    const backend = one('Ingress').spec.rules[0].http.paths[0].backend.service;
    expect(backend.name).toBe(one('Service').metadata.name);
  });
});
