package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Map;

/**
 * Where and as whom the gateway pods run, and what they get besides the operator's own settings. Each field is
 * copied as is into the pod (or its gateway container); the operator's own env, volume and mount win: the CEL
 * rules refuse names that would collide with them, rather than silently dropping the user's entry.
 */
public class GatewayPodSettings {
    /** Env names the operator sets on the container (see GatewayPodTemplate); the ConfigMap's may be overridden. */
    static final String RESERVED_ENV = "['REDIS_URL', 'ADMIN_TOKEN', 'API_KEYS', 'REPLICA_ID']";

    @JsonPropertyDescription("Secrets for pulling the gateway image from a private registry.")
    private List<LocalObjectReference> imagePullSecrets;

    @JsonPropertyDescription("Node labels a gateway pod's node must carry.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Taints the gateway pods tolerate.")
    private List<Toleration> tolerations;

    @JsonPropertyDescription("Node and pod (anti-)affinity of the gateway pods.")
    private Affinity affinity;

    @JsonPropertyDescription("How the gateway pods spread across zones or nodes.")
    private List<TopologySpreadConstraint> topologySpreadConstraints;

    @JsonPropertyDescription("ServiceAccount the gateway pods run as; its token is never mounted (the gateway does "
            + "not call the API server). Unset: the namespace's default.")
    private String serviceAccountName;

    @JsonPropertyDescription("Extra environment variables of the gateway container; they override the generated "
            + "ConfigMap's settings. REDIS_URL, ADMIN_TOKEN, API_KEYS and REPLICA_ID are the operator's.")
    @ValidationRule(
            value = "!self.exists(e, e.name in " + RESERVED_ENV + ")",
            message = "REDIS_URL, ADMIN_TOKEN, API_KEYS and REPLICA_ID are set by the operator")
    @Size(max = 100) // bounds the CEL rule's cost, which the API server estimates from maxItems
    private List<EnvVar> env;

    @JsonPropertyDescription("Extra volumes of the gateway pod; the name tmp is the operator's.")
    @ValidationRule(value = "!self.exists(v, v.name == 'tmp')", message = "the volume name tmp is the operator's")
    @Size(max = 50)
    private List<Volume> volumes;

    @JsonPropertyDescription("Extra volume mounts of the gateway container; /tmp is the operator's.")
    @ValidationRule(
            value = "!self.exists(m, m.mountPath == '/tmp' || m.mountPath == '/tmp/')",
            message = "/tmp is mounted by the operator")
    @Size(max = 50)
    private List<VolumeMount> volumeMounts;

    public List<LocalObjectReference> getImagePullSecrets() {
        return imagePullSecrets;
    }

    public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
        this.imagePullSecrets = imagePullSecrets;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public Affinity getAffinity() {
        return affinity;
    }

    public void setAffinity(Affinity affinity) {
        this.affinity = affinity;
    }

    public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
        return topologySpreadConstraints;
    }

    public void setTopologySpreadConstraints(List<TopologySpreadConstraint> topologySpreadConstraints) {
        this.topologySpreadConstraints = topologySpreadConstraints;
    }

    public String getServiceAccountName() {
        return serviceAccountName;
    }

    public void setServiceAccountName(String serviceAccountName) {
        this.serviceAccountName = serviceAccountName;
    }

    public List<EnvVar> getEnv() {
        return env;
    }

    public void setEnv(List<EnvVar> env) {
        this.env = env;
    }

    public List<Volume> getVolumes() {
        return volumes;
    }

    public void setVolumes(List<Volume> volumes) {
        this.volumes = volumes;
    }

    public List<VolumeMount> getVolumeMounts() {
        return volumeMounts;
    }

    public void setVolumeMounts(List<VolumeMount> volumeMounts) {
        this.volumeMounts = volumeMounts;
    }
}
