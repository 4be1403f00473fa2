/**
 * Authenticate: the caller the server edge identified (master key or virtual key) → the tenant,
 * project and key the request runs as, and the key's effective policy. Enforces what the key allows
 * (models); admin keys belong to the control plane and are refused here.
 */
import { GatewayError } from '../errors/gateway-error.js';
import { modelAllowed } from '../tenancy/effective-policy.js';
import { promptModelPrefix } from '../prompts/reference.js';
import { defaultProjectId, defaultTenantId } from '../tenancy/model.js';
import type { Stage } from './compose.js';
import type { RequestContext, TenancyContext } from './context.js';

const masterTenancy: TenancyContext = {
  tenantId: defaultTenantId,
  projectId: defaultProjectId,
  keyId: null,
  active: null,
  policy: null,
};

export const authenticate = (): Stage<RequestContext> =>
  async function authenticate(context, next) {
    const principal = context.principal;
    if (principal.kind === 'master') {
      context.tenancy = masterTenancy;
      return next();
    }
    if (principal.kind === 'admin') {
      throw new GatewayError(
        'permission_denied',
        'Admin keys manage the gateway (/api); call models with a virtual key.',
        { publicCode: 'admin_key_on_data_plane' },
      );
    }
    const { active } = principal;
    // A prompt reference is checked by resolve-prompt, against allowed_prompts and the prompt's model.
    const byPrompt = context.request.model.startsWith(promptModelPrefix);
    if (!byPrompt && !modelAllowed(active.policy, context.request.model)) {
      throw new GatewayError(
        'permission_denied',
        `This key may not use the model \`${context.request.model}\`.`,
        { param: 'model', publicCode: 'model_not_allowed' },
      );
    }
    context.tenancy = {
      tenantId: active.tenant.id,
      projectId: active.project?.id ?? defaultProjectId,
      keyId: active.key.id,
      active,
      policy: active.policy,
    };
    return next();
  };
