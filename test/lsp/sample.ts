// A document that uses most of the language, shared by the feature tests.
export const SAMPLE = `// A DSP on an arm64 SoC reads a parameter block the CPU wrote. See NAME.
platform lab extends arm64_soc {
  device dsp {
    bus platform
    coherent no
    iommu smmu group g_dsp
  }
}

scenario upload on lab {
  buf = heap system 64KiB
  att = attach buf dsp
  sgt = map_unlocked att to_device
  va = vmap_unlocked buf
  begin_cpu buf write
  cpu write va at 0 size 4KiB
  end_cpu buf write
  submit dsp read sgt signal done
  wait done
  thread worker {
    f = fence
    signal f
  }
  vunmap_unlocked va
  unmap_unlocked sgt
  detach att
  put buf
}
`;
